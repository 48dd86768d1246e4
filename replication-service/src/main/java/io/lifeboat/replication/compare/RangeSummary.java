package io.lifeboat.replication.compare;

/**
 * What one database says about a key range: its number of rows and the sum of its rows' hashes (each row's text
 * hashed on its own, summed as an exact numeric: the order rows are read in does not matter).
 */
public record RangeSummary(long rows, String hashSum) {

    public boolean sameAs(RangeSummary other) {
        return rows == other.rows && hashSum.equals(other.hashSum);
    }
}
