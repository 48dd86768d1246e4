package io.lifeboat.replication.copy;

import io.lifeboat.replication.db.LifeboatSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lifeboat_replication.table_copy} in the target: per link and table, whether its copy is complete and the
 * snapshot it was taken at. A table is marked COPIED in the same target transaction as its rows, so a half table
 * is never marked complete; a table not COPIED is copied (again) from its start.
 */
public final class CopyStore {

    public static final String TABLE = LifeboatSchema.SCHEMA + ".table_copy";

    private CopyStore() {
    }

    /** A table's copy: COPIED with its snapshot, or PENDING (snapshot null). */
    public record TableCopy(String table, CopySnapshot snapshot, long rows, long bytes) {
        public boolean copied() {
            return snapshot != null;
        }
    }

    public static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (link_id text NOT NULL, table_name text NOT NULL,"
                    + " snapshot text, wal_lsn bigint, rows bigint, bytes bigint, copied_at timestamptz,"
                    + " PRIMARY KEY (link_id, table_name))");
        }
    }

    public static Map<String, TableCopy> load(Connection c, String linkId) throws SQLException {
        Map<String, TableCopy> copies = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT table_name, snapshot, wal_lsn, rows, bytes FROM " + TABLE
                + " WHERE link_id = ?")) {
            s.setString(1, linkId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String snapshot = r.getString(2);
                    copies.put(r.getString(1), new TableCopy(r.getString(1),
                            snapshot == null ? null : CopySnapshot.parse(snapshot, r.getLong(3)), r.getLong(4),
                            r.getLong(5)));
                }
            }
        }
        return copies;
    }

    /** Marks tables to be copied (again, from their start); tables already PENDING stay so. */
    public static void markPending(Connection c, String linkId, Collection<String> tables) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (link_id, table_name) VALUES (?, ?)"
                + " ON CONFLICT (link_id, table_name) DO UPDATE SET snapshot = NULL, wal_lsn = NULL, rows = NULL,"
                + " bytes = NULL, copied_at = NULL")) {
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
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (link_id, table_name, snapshot,"
                + " wal_lsn, rows, bytes, copied_at) VALUES (?, ?, ?, ?, ?, ?, clock_timestamp())"
                + " ON CONFLICT (link_id, table_name) DO UPDATE SET snapshot = EXCLUDED.snapshot,"
                + " wal_lsn = EXCLUDED.wal_lsn, rows = EXCLUDED.rows, bytes = EXCLUDED.bytes,"
                + " copied_at = EXCLUDED.copied_at")) {
            s.setString(1, linkId);
            s.setString(2, table);
            s.setString(3, snapshot.text());
            s.setLong(4, snapshot.walLsn());
            s.setLong(5, rows);
            s.setLong(6, bytes);
            s.executeUpdate();
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
