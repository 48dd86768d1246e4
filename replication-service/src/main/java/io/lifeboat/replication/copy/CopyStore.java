package io.lifeboat.replication.copy;

import io.lifeboat.replication.db.LifeboatSchema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code lifeboat_replication.table_copy} in the target: per link and table, whether its copy is complete and the
 * snapshot it was taken at. A table is marked COPIED in the same target transaction as its rows, so a half table
 * is never marked complete; a table not COPIED is copied (again) from its start.
 *
 * <p>A copy covers the whole table, or (after a failback by difference) only some of its keys: the rows the old
 * site's stranded changes touched, set back to the promoted site's version at the snapshot. The applier's rule is the
 * same for both: a streamed change is in the copy when its key is covered and its transaction visible.
 */
public final class CopyStore {

    public static final String TABLE = LifeboatSchema.SCHEMA + ".table_copy";

    private CopyStore() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A table's copy: COPIED with its snapshot, or PENDING (snapshot null).
     *
     * @param keys the keys the copy covers (Debezium's key objects), or null for the whole table
     */
    public record TableCopy(String table, CopySnapshot snapshot, long rows, long bytes, Set<JsonNode> keys) {

        public TableCopy(String table, CopySnapshot snapshot, long rows, long bytes) {
            this(table, snapshot, rows, bytes, null);
        }

        public boolean copied() {
            return snapshot != null;
        }

        /** Whether a streamed change to this key is in the copy: the copy covers the key and sees its transaction. */
        public boolean contains(JsonNode key, long txId) {
            if (snapshot == null) {
                return true; // not copied yet: the copy will hold it
            }
            return (keys == null || key != null && keys.contains(key)) && snapshot.visible(txId);
        }
    }

    public static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (link_id text NOT NULL, table_name text NOT NULL,"
                    + " snapshot text, wal_lsn bigint, rows bigint, bytes bigint, copied_at timestamptz,"
                    + " PRIMARY KEY (link_id, table_name))");
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS copied_keys jsonb");
        }
    }

    public static Map<String, TableCopy> load(Connection c, String linkId) throws SQLException {
        Map<String, TableCopy> copies = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT table_name, snapshot, wal_lsn, rows, bytes, copied_keys FROM " + TABLE
                + " WHERE link_id = ?")) {
            s.setString(1, linkId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String snapshot = r.getString(2);
                    copies.put(r.getString(1), new TableCopy(r.getString(1),
                            snapshot == null ? null : CopySnapshot.parse(snapshot, r.getLong(3)), r.getLong(4),
                            r.getLong(5), keys(r.getString(6))));
                }
            }
        }
        return copies;
    }

    /** Marks tables to be copied (again, from their start); tables already PENDING stay so. */
    public static void markPending(Connection c, String linkId, Collection<String> tables) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (link_id, table_name) VALUES (?, ?)"
                + " ON CONFLICT (link_id, table_name) DO UPDATE SET snapshot = NULL, wal_lsn = NULL, rows = NULL,"
                + " bytes = NULL, copied_at = NULL, copied_keys = NULL")) {
            for (String t : tables) {
                s.setString(1, linkId);
                s.setString(2, t);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** In the transaction that wrote the table's rows. */
    static void markCopied(Connection c, String linkId, String table, CopySnapshot snapshot, long rows, long bytes)
            throws SQLException {
        mark(c, linkId, table, snapshot, rows, bytes, null);
    }

    /**
     * A copy of some keys of a table, in the transaction that wrote them (failback by difference); an empty key set
     * says the table was found equal as it stands and nothing of the stream is skipped for it.
     */
    public static void markKeysCopied(Connection c, String linkId, String table, CopySnapshot snapshot,
            Collection<JsonNode> keys, long rows) throws SQLException {
        ArrayNode array = JSON.createArrayNode();
        keys.forEach(array::add);
        mark(c, linkId, table, snapshot, rows, 0, array.toString());
    }

    private static void mark(Connection c, String linkId, String table, CopySnapshot snapshot, long rows, long bytes,
            String keys) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (link_id, table_name, snapshot,"
                + " wal_lsn, rows, bytes, copied_at, copied_keys) VALUES (?, ?, ?, ?, ?, ?, clock_timestamp(),"
                + " ?::jsonb) ON CONFLICT (link_id, table_name) DO UPDATE SET snapshot = EXCLUDED.snapshot,"
                + " wal_lsn = EXCLUDED.wal_lsn, rows = EXCLUDED.rows, bytes = EXCLUDED.bytes,"
                + " copied_at = EXCLUDED.copied_at, copied_keys = EXCLUDED.copied_keys")) {
            s.setString(1, linkId);
            s.setString(2, table);
            s.setString(3, snapshot.text());
            s.setLong(4, snapshot.walLsn());
            s.setLong(5, rows);
            s.setLong(6, bytes);
            s.setString(7, keys);
            s.executeUpdate();
        }
    }

    private static Set<JsonNode> keys(String json) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            Set<JsonNode> keys = new HashSet<>();
            JSON.readTree(json).forEach(keys::add);
            return Set.copyOf(keys);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable copied_keys in " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /** Tables no longer part of the link (dropped at the source). */
    public static void forget(Connection c, String linkId, Collection<String> tables) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE link_id = ? AND table_name = ?")) {
            for (String t : tables) {
                s.setString(1, linkId);
                s.setString(2, t);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public static void clear(Connection c, String linkId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE link_id = ?")) {
            s.setString(1, linkId);
            s.executeUpdate();
        }
    }
}
