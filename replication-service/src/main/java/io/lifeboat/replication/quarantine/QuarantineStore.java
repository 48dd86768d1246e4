package io.lifeboat.replication.quarantine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.replication.db.LifeboatSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code lifeboat_replication.quarantine}: changes that must not reach the live database but must not be lost
 * either, kept in the database that became the active one (it survives; it never expires on its own):
 * <ul>
 *   <li>{@code STRANDED}: what the old source wrote beyond the last applied change, read from its slot at REVERSE;</li>
 *   <li>{@code PARTIAL_TRANSACTION}: a source transaction whose END never reached Kafka (the source or the capture
 *       died in the middle); at promotion it goes here, never into the promoted database.</li>
 * </ul>
 * Lifeboat's own schema is not in the publication: nothing here is ever replicated.
 */
public final class QuarantineStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String TABLE = LifeboatSchema.SCHEMA + ".quarantine";

    public enum Reason {
        STRANDED, PARTIAL_TRANSACTION
    }

    /** One kept change: Debezium's envelope as it was captured. */
    public record Entry(long id, String linkId, Reason reason, long epoch, String sourceSite, String table,
            Long txKey, Long lsn, String key, String change, String quarantinedAt) {
    }

    /** Counts per reason and table. */
    public record Count(Reason reason, String table, long changes) {
    }

    private QuarantineStore() {
    }

    public static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, link_id text NOT NULL,"
                    + " reason text NOT NULL, epoch bigint NOT NULL, source_site text NOT NULL, table_name text,"
                    + " tx_key bigint, lsn bigint, change_key jsonb, change jsonb,"
                    + " quarantined_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    /** Adds entries in the caller's transaction. */
    public static void add(Connection c, List<Entry> entries) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (link_id, reason, epoch, source_site,"
                + " table_name, tx_key, lsn, change_key, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
            for (Entry e : entries) {
                s.setString(1, e.linkId());
                s.setString(2, e.reason().name());
                s.setLong(3, e.epoch());
                s.setString(4, e.sourceSite());
                s.setString(5, e.table());
                setLong(s, 6, e.txKey());
                setLong(s, 7, e.lsn());
                s.setString(8, e.key());
                s.setString(9, e.change());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public static List<Count> counts(Connection c, String linkId) throws SQLException {
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT reason, coalesce(table_name, ''), count(*) FROM " + TABLE
                + " WHERE link_id = ? GROUP BY 1, 2 ORDER BY 1, 2")) {
            s.setString(1, linkId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.add(new Count(Reason.valueOf(r.getString(1)), r.getString(2), r.getLong(3)));
                }
            }
        }
        return counts;
    }

    /** Every entry of the link, oldest first, one at a time (an export may be large). */
    public static void export(Connection c, String linkId, Consumer<Entry> each) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor, not the whole table in memory
        try (PreparedStatement s = c.prepareStatement("SELECT id, link_id, reason, epoch, source_site, table_name,"
                + " tx_key, lsn, change_key::text, change::text, quarantined_at::text FROM " + TABLE
                + " WHERE link_id = ? ORDER BY id")) {
            s.setFetchSize(500);
            s.setString(1, linkId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    each.accept(new Entry(r.getLong(1), r.getString(2), Reason.valueOf(r.getString(3)), r.getLong(4),
                            r.getString(5), r.getString(6), (Long) r.getObject(7), (Long) r.getObject(8),
                            r.getString(9), r.getString(10), r.getString(11)));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * What one site wrote that the other never got: the keys of the changes kept from it (either reason) at or after
     * an epoch (the promotion's: earlier entries belong to earlier disasters), per table, and the tables it truncated.
     * Not by WAL position: a long transaction's first changes lie before changes of shorter ones applied meanwhile.
     */
    public record Touched(Map<String, Set<JsonNode>> keys, Set<String> truncated, long changes) {
    }

    public static Touched touched(Connection c, String linkId, String sourceSite, long sinceEpoch) throws SQLException {
        Map<String, Set<JsonNode>> keys = new TreeMap<>();
        Set<String> truncated = new TreeSet<>();
        long changes = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT table_name, change_key::text, change->>'op' FROM " + TABLE
                + " WHERE link_id = ? AND source_site = ? AND epoch >= ? AND table_name IS NOT NULL")) {
            s.setString(1, linkId);
            s.setString(2, sourceSite);
            s.setLong(3, sinceEpoch);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    changes++;
                    if ("t".equals(r.getString(3)) || r.getString(2) == null) {
                        truncated.add(r.getString(1));
                    } else {
                        keys.computeIfAbsent(r.getString(1), t -> new HashSet<>()).add(readKey(r.getString(2)));
                    }
                }
            }
        }
        return new Touched(keys, truncated, changes);
    }

    private static JsonNode readKey(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable change_key in " + TABLE + ": " + e.getMessage(), e);
        }
    }

    private static void setLong(PreparedStatement s, int i, Long value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, value);
        }
    }
}
