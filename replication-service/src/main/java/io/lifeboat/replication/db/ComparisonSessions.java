package io.lifeboat.replication.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The sessions a link's comparison by hashes opens at both sites. A comparison reads every table inside one
 * snapshot, so it holds a share lock on each table it has read until it ends; a PROMOTE that lifts the standby's
 * guard (DROP TRIGGER takes the table's exclusive lock) would wait behind it for as long as the comparison runs,
 * minutes on a large database. A promotion ends them first: what they would have said is moot once the link is
 * promoted.
 */
public final class ComparisonSessions {

    private ComparisonSessions() {
    }

    /** The application name a comparison of {@code linkId} gives its connections. */
    public static String applicationName(String linkId) {
        return "lifeboat-compare-" + linkId;
    }

    /**
     * Ends the link's comparison sessions in this database: only those of the connected (Lifeboat's) role, which a
     * client of another role cannot pretend to be.
     *
     * @return how many were ended
     */
    public static int end(Connection c, String linkId) throws SQLException {
        int ended = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename = current_user"
                + " AND application_name = ?")) {
            s.setString(1, applicationName(linkId));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ended += rows.getBoolean(1) ? 1 : 0;
                }
            }
        }
        return ended;
    }
}
