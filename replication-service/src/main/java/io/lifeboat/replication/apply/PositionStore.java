package io.lifeboat.replication.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** {@code lifeboat_replication.applied_position} in the target: written in the applier's own transactions. */
final class PositionStore {

    static final String UPSERT = """
            INSERT INTO lifeboat_replication.applied_position
              (link_id, topic, kafka_partition, next_offset, commit_lsn, lsn, tx_id, source_committed_at, applied_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())
            ON CONFLICT (link_id, topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,
              commit_lsn = coalesce(EXCLUDED.commit_lsn, applied_position.commit_lsn),
              lsn = coalesce(EXCLUDED.lsn, applied_position.lsn),
              tx_id = coalesce(EXCLUDED.tx_id, applied_position.tx_id),
              source_committed_at = coalesce(EXCLUDED.source_committed_at, applied_position.source_committed_at),
              applied_at = EXCLUDED.applied_at
            """;

    private PositionStore() {
    }

    static Map<String, AppliedPosition> load(Connection connection, String linkId) throws SQLException {
        Map<String, AppliedPosition> positions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT topic, kafka_partition, next_offset,"
                + " commit_lsn, lsn, tx_id, source_committed_at FROM lifeboat_replication.applied_position"
                + " WHERE link_id = ?")) {
            statement.setString(1, linkId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long lsn = rows.getLong(5);
                    SourcePosition source = rows.wasNull() ? null : new SourcePosition(rows.getLong(4), lsn,
                            rows.getLong(6), rows.getTimestamp(7) == null ? 0 : rows.getTimestamp(7).getTime());
                    AppliedPosition position = new AppliedPosition(rows.getString(1), rows.getInt(2), rows.getLong(3), source);
                    positions.put(position.topic() + "#" + position.partition(), position);
                }
            }
        }
        return positions;
    }

    /** @param statement {@link #UPSERT} prepared on the applier's connection (kept open and reused) */
    static void save(PreparedStatement statement, String linkId, Collection<AppliedPosition> positions)
            throws SQLException {
        {
            for (AppliedPosition p : positions) {
                statement.setString(1, linkId);
                statement.setString(2, p.topic());
                statement.setInt(3, p.partition());
                statement.setLong(4, p.nextOffset());
                if (p.source() == null) {
                    for (int i = 5; i <= 7; i++) {
                        statement.setNull(i, Types.BIGINT);
                    }
                    statement.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    statement.setLong(5, p.source().commitLsn());
                    statement.setLong(6, p.source().lsn());
                    statement.setLong(7, p.source().txId());
                    statement.setTimestamp(8, new Timestamp(p.source().commitMillis()));
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Forget a link's positions (before a full resync of the target). */
    static void clear(Connection connection, String linkId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM lifeboat_replication.applied_position WHERE link_id = ?")) {
            statement.setString(1, linkId);
            statement.executeUpdate();
        }
    }
}
