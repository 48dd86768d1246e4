package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.replication.copy.CopySnapshot;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.db.TableShape;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Failback by difference: the rows of the old site that its stranded changes touched are set back to the promoted
 * site's version (or removed where it has none), read in one snapshot of the promoted site, and every table is marked
 * copied at that snapshot: the touched tables for those keys only, the others for no key.
 *
 * <p>Why that gives the promoted site's state once the stream passes the snapshot: the promotion slot was created
 * before the promoted site took its first write, when it held exactly what the old site had up to the last applied
 * change. A row no stranded change touched is still that version at the old site, so every change since streams onto
 * it as onto a copy. A touched row holds the snapshot's version, so exactly the changes the snapshot saw are skipped
 * for it ({@link CopyStore.TableCopy#contains}), as for a copied table.
 */
public final class KeyRepair {

    /** Keys per statement: their parameters stay well inside PostgreSQL's 65,535. */
    private static final int BATCH = 1_000;

    /** What was done to one table. */
    public record Repaired(String table, int keys, long rowsDeleted, long rowsWritten) {
    }

    private final String linkId;

    public KeyRepair(String linkId) {
        this.linkId = linkId;
    }

    /**
     * @param source  the promoted site, in a repeatable-read transaction whose snapshot is {@code snapshot}
     * @param target  the old site, in the applier's session, its transaction committed by the caller
     * @param tables  every table of the link that is repaired (not copied whole), by qualified name
     * @param touched the keys the stranded changes touched, per qualified table name
     */
    public List<Repaired> repair(Connection source, Connection target, CopySnapshot snapshot,
            Map<String, TableShape> tables, Map<String, Set<JsonNode>> touched) throws SQLException {
        List<Repaired> done = new ArrayList<>();
        for (TableShape table : tables.values()) {
            Set<JsonNode> keys = touched.getOrDefault(table.qualified(), Set.of());
            Repaired r = repairTable(source, target, table, List.copyOf(keys));
            CopyStore.markKeysCopied(target, linkId, table.qualified(), snapshot, keys, r.rowsWritten());
            if (r.keys() > 0) {
                done.add(r);
            }
        }
        return done;
    }

    private static Repaired repairTable(Connection source, Connection target, TableShape table, List<JsonNode> keys)
            throws SQLException {
        TableWriter writer = new TableWriter(table);
        List<TableShape.Column> columns = table.columns();
        String names = columns.stream().map(c -> TableShape.quote(c.name())).collect(Collectors.joining(", "));
        String ofT = columns.stream().map(c -> "t." + TableShape.quote(c.name())).collect(Collectors.joining(", "));
        String keyNames = table.primaryKey().stream().map(TableShape::quote).collect(Collectors.joining(", "));
        String joined = table.primaryKey().stream().map(k -> "t." + TableShape.quote(k) + " = k." + TableShape.quote(k))
                .collect(Collectors.joining(" AND "));
        String insert = "INSERT INTO " + table.sqlName() + " (" + names + ") OVERRIDING SYSTEM VALUE VALUES ("
                + columns.stream().map(c -> "?::" + c.type()).collect(Collectors.joining(", ")) + ")";
        long deleted = 0;
        long written = 0;
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<TableWriter.Planned> rows = new ArrayList<>();
            for (JsonNode key : keys.subList(from, Math.min(keys.size(), from + BATCH))) {
                rows.add(writer.keyRow(key));
            }
            // The keys as a VALUES list joined to the table: one index lookup per key, never a scan per batch.
            String values = "(VALUES " + rows.stream().map(TableWriter.Planned::sql).collect(Collectors.joining(", "))
                    + ") AS k(" + keyNames + ")";
            List<String[]> found = new ArrayList<>();
            try (PreparedStatement read = source.prepareStatement("SELECT " + ofT + " FROM " + table.sqlName()
                    + " t JOIN " + values + " ON " + joined)) {
                bind(read, rows);
                try (ResultSet r = read.executeQuery()) {
                    while (r.next()) {
                        String[] row = new String[columns.size()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = r.getString(i + 1); // the type's text form, read back by its input function
                        }
                        found.add(row);
                    }
                }
            }
            try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + table.sqlName() + " t USING "
                    + values + " WHERE " + joined)) {
                bind(delete, rows);
                deleted += delete.executeUpdate();
            }
            if (!found.isEmpty()) {
                try (PreparedStatement write = target.prepareStatement(insert)) {
                    for (String[] row : found) {
                        for (int i = 0; i < row.length; i++) {
                            write.setString(i + 1, row[i]);
                        }
                        write.addBatch();
                    }
                    write.executeBatch();
                }
                written += found.size();
            }
        }
        return new Repaired(table.qualified(), keys.size(), deleted, written);
    }

    private static void bind(PreparedStatement statement, Collection<TableWriter.Planned> matches) throws SQLException {
        int i = 1;
        for (TableWriter.Planned m : matches) {
            for (TableWriter.Bound b : m.parameters()) {
                statement.setString(i++, b.text());
            }
        }
    }

    /** The snapshot of the promoted site that a repair reads at, in {@code source}'s open repeatable-read transaction. */
    public static CopySnapshot snapshot(Connection source) throws SQLException {
        source.setAutoCommit(false);
        try (Statement s = source.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (ResultSet r = s.executeQuery("SELECT pg_current_snapshot()::text, pg_current_wal_lsn()::text")) {
                r.next();
                return CopySnapshot.parse(r.getString(1), SourcePosition.parseLsn(r.getString(2)));
            }
        }
    }
}
