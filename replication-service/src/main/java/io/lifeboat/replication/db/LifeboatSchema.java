package io.lifeboat.replication.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Lifeboat's own small schema, present at both sites (either may be the source after a reversal): the heartbeat
 * table Debezium's action query writes to, and the applied positions the applier commits with every batch.
 */
public final class LifeboatSchema {

    public static final String SCHEMA = "lifeboat_replication";
    public static final String HEARTBEAT_TABLE = SCHEMA + ".heartbeat";

    private LifeboatSchema() {
    }

    /** One of Lifeboat's own tables (the heartbeat travels in every link's stream; none is a user's change). */
    public static boolean owns(String qualifiedTable) {
        return qualifiedTable.startsWith(SCHEMA + ".");
    }

    /**
     * The applier's session: writes as PostgreSQL's own apply worker does (triggers and foreign keys do not fire),
     * read-write although FENCE made read-only the database's default (the applier is the one writer a standby
     * keeps), and its own transactions.
     */
    public static void applierSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("SET default_transaction_read_only = off");
        }
        connection.setAutoCommit(false);
    }

    public static void ensure(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            statement.execute("CREATE TABLE IF NOT EXISTS " + HEARTBEAT_TABLE
                    + " (link_id text PRIMARY KEY, beat_at timestamptz NOT NULL)");
            // Per link: its change topic's position (partition 0), the topic's id, the last whole transaction.
            statement.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".applied_position ("
                    + " link_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,"
                    + " next_offset bigint NOT NULL, commit_lsn bigint, lsn bigint, tx_id bigint,"
                    + " source_committed_at timestamptz, applied_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (link_id, topic, kafka_partition))");
            statement.execute("ALTER TABLE " + SCHEMA + ".applied_position ADD COLUMN IF NOT EXISTS topic_id text,"
                    + " ADD COLUMN IF NOT EXISTS tx_key bigint, ADD COLUMN IF NOT EXISTS end_commit_lsn bigint");
            // Arrays arrive as JSON arrays; this turns one into text[] for a cast to the column's array type.
            statement.execute("CREATE OR REPLACE FUNCTION " + SCHEMA + ".json_array_to_text(j jsonb) RETURNS text[]"
                    + " LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN j IS NULL OR jsonb_typeof(j) = 'null' THEN NULL"
                    + " ELSE coalesce((SELECT array_agg(e ORDER BY o) FROM jsonb_array_elements_text(j)"
                    + " WITH ORDINALITY AS x(e, o)), '{}') END $$");
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
