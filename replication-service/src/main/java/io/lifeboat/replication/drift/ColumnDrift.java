package io.lifeboat.replication.drift;

/** One difference between the source's and the target's version of a replicated table. */
public record ColumnDrift(String table, String column, String source, String target) {

    public String describe() {
        return table + (column == null ? "" : "." + column) + ": source " + source + ", target " + target;
    }
}
