package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.LifeboatSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * {@code lifeboat_replication.applied_position} in the target: one row per link (its change topic, partition 0),
 * written in the applier's own transactions, so rows and position commit together.
 */
public final class PositionStore {

    static final String UPSERT = "INSERT INTO " + LifeboatSchema.SCHEMA + ".applied_position"
            + " (link_id, topic, kafka_partition, next_offset, commit_lsn, lsn, tx_id, source_committed_at, applied_at,"
            + " topic_id, tx_key, end_commit_lsn)"
            + " VALUES (?, ?, 0, ?, ?, ?, ?, ?, clock_timestamp(), ?, ?, ?)"
            + " ON CONFLICT (link_id, topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,"
            + " commit_lsn = coalesce(EXCLUDED.commit_lsn, applied_position.commit_lsn),"
            + " lsn = coalesce(EXCLUDED.lsn, applied_position.lsn),"
            + " tx_id = coalesce(EXCLUDED.tx_id, applied_position.tx_id),"
            + " source_committed_at = coalesce(EXCLUDED.source_committed_at, applied_position.source_committed_at),"
            + " applied_at = EXCLUDED.applied_at, topic_id = EXCLUDED.topic_id, tx_key = EXCLUDED.tx_key,"
            + " end_commit_lsn = EXCLUDED.end_commit_lsn";

    private PositionStore() {
    }

    /** @return the link's position in this topic, or null when it has none */
    public static StreamPosition load(Connection connection, String linkId, String topic) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT next_offset, commit_lsn, lsn, tx_id,"
                + " source_committed_at, topic_id, tx_key, end_commit_lsn FROM " + LifeboatSchema.SCHEMA
                + ".applied_position WHERE link_id = ? AND topic = ? AND kafka_partition = 0")) {
            s.setString(1, linkId);
            s.setString(2, topic);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                long lsn = r.getLong(3);
                SourcePosition applied = r.wasNull() ? null : new SourcePosition(r.getLong(2), lsn, r.getLong(4),
                        r.getTimestamp(5) == null ? 0 : r.getTimestamp(5).getTime());
                long txKey = r.getLong(7);
                if (r.wasNull()) {
                    txKey = -1;
                }
                return new StreamPosition(topic, r.getString(6), r.getLong(1), txKey, applied, r.getLong(8));
            }
        }
    }

    /**
     * The source commit LSN up to which the target has applied the link's changes, as committed in the caller's
     * transaction (a comparison reads it inside its snapshot); -1 when nothing is applied yet.
     */
    public static long appliedCommitLsn(Connection connection, String linkId) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT max(end_commit_lsn) FROM "
                + LifeboatSchema.SCHEMA + ".applied_position WHERE link_id = ?")) {
            s.setString(1, linkId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return -1;
                }
                long applied = r.getLong(1);
                return r.wasNull() ? -1 : applied;
            }
        }
    }

    /** @param statement {@link #UPSERT} prepared on the applier's connection */
    static void save(PreparedStatement statement, String linkId, StreamPosition p) throws SQLException {
        statement.setString(1, linkId);
        statement.setString(2, p.topic());
        statement.setLong(3, p.nextOffset());
        if (p.applied() == null) {
            for (int i = 4; i <= 6; i++) {
                statement.setNull(i, Types.BIGINT);
            }
            statement.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setLong(4, p.applied().commitLsn());
            statement.setLong(5, p.applied().lsn());
            statement.setLong(6, p.applied().txId());
            statement.setTimestamp(7, new Timestamp(p.applied().commitMillis()));
        }
        statement.setString(8, p.topicId());
        statement.setLong(9, p.txKey());
        statement.setLong(10, p.commitLsn());
        statement.executeUpdate();
    }

    /**
     * Starts a link's position at the end of its topic (a new slot: nothing before it is this stream's), in the
     * caller's transaction.
     */
    public static void seed(Connection connection, String linkId, String topic, String topicId, long endOffset)
            throws SQLException {
        clear(connection, linkId);
        try (PreparedStatement s = connection.prepareStatement(UPSERT)) {
            save(s, linkId, new StreamPosition(topic, topicId, endOffset, -1, null, 0));
        }
    }

    /** Forget a link's positions (before its direction changes). */
    public static void clear(Connection connection, String linkId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM " + LifeboatSchema.SCHEMA + ".applied_position WHERE link_id = ?")) {
            statement.setString(1, linkId);
            statement.executeUpdate();
        }
    }
}
