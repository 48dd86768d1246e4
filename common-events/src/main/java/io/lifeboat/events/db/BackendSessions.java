package io.lifeboat.events.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Ending other sessions of a PostgreSQL server: the one way a fence (the application's sessions), a promotion (a
 * link's comparison) and the like do it, each saying by a condition which sessions it means.
 */
public final class BackendSessions {

    private BackendSessions() {
    }

    /** Binds the condition's {@code ?} parameters. */
    @FunctionalInterface
    public interface Parameters {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * Ends every session of {@code pg_stat_activity} that {@code condition} selects, never the caller's own.
     *
     * @param condition an SQL condition on {@code pg_stat_activity}'s columns, e.g.
     *                  {@code "datname = current_database() AND usename = ANY (?)"}; values go in parameters
     * @return how many were ended (one that ended by itself meanwhile is not counted)
     */
    public static int end(Connection c, String condition, Parameters parameters) throws SQLException {
        int ended = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE pid <> pg_backend_pid() AND (" + condition + ")")) {
            parameters.bind(s);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ended += rows.getBoolean(1) ? 1 : 0;
                }
            }
        }
        return ended;
    }
}
