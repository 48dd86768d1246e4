package io.lifeboat.replication.db;

import io.lifeboat.events.db.BackendSessions;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The sessions a link's comparison by hashes opens at both sites. A comparison reads every table inside one
 * snapshot, so it holds a share lock on each table it has read until it ends; a PROMOTE that lifts the standby's
 * guard (DROP TRIGGER takes the table's exclusive lock) would wait behind it for as long as the comparison runs,
 * minutes on a large database. A promotion ends them first: what they would have said is moot once the link is
 * promoted. UNFENCE ends those reading the source it unfences, whose guard's lift would wait for them the same way.
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
        return BackendSessions.end(c, "datname = current_database() AND usename = current_user"
                + " AND application_name = ?", s -> s.setString(1, applicationName(linkId)));
    }
}
