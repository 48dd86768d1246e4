package io.lifeboat.replication.db;

import io.lifeboat.events.db.BackendSessions;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Collection;

/**
 * DDL on a table that must not wait on other people's sessions. Adding the guard (CREATE TRIGGER) needs a lock that
 * every open write transaction on the table holds against it: an application session idle in its transaction would
 * hold a FENCE up for as long as it likes, while the site it should stop goes on writing. Removing it (DROP TRIGGER)
 * needs a lock that every reader holds against it: a report running on the standby would hold a PROMOTE up for its
 * whole length, in the middle of a disaster. So the statement waits at most {@link #LOCK_WAIT}; then the sessions of
 * other roles than Lifeboat's that hold or wait for a lock on that table are ended, and it runs again. When only
 * Lifeboat's own sessions are in the way (an applier in a large transaction), it waits for them, as they end on
 * their own.
 */
public final class TableLocks {

    /** How long the statement waits for the table's lock before the sessions in its way are ended. */
    public static final String LOCK_WAIT = "2s";
    private static final int ATTEMPTS = 5;
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private TableLocks() {
    }

    /**
     * Runs {@code ddl}, which locks {@code table}, on {@code c} (in autocommit or inside the caller's transaction,
     * through a savepoint).
     *
     * @param spared the roles Lifeboat's services log in as (the connected one is spared anyway): their sessions go on
     * @return how many sessions were ended to get the lock
     */
    public static int runNotWaiting(Connection c, TableShape table, String ddl, Collection<String> spared)
            throws SQLException {
        boolean inTransaction = !c.getAutoCommit();
        String waitAtMost = LOCK_WAIT;
        int ended = 0;
        for (int attempt = 1; ; attempt++) {
            Savepoint before = inTransaction ? c.setSavepoint() : null;
            try (Statement s = c.createStatement()) {
                s.execute((inTransaction ? "SET LOCAL" : "SET") + " lock_timeout = '" + waitAtMost + "'");
                try {
                    s.execute(ddl);
                } finally {
                    if (!inTransaction) {
                        s.execute("RESET lock_timeout");
                    }
                }
                if (inTransaction) {
                    s.execute("SET LOCAL lock_timeout = DEFAULT");
                    c.releaseSavepoint(before);
                }
                return ended;
            } catch (SQLException e) {
                if (inTransaction) {
                    c.rollback(before);
                }
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || attempt == ATTEMPTS) {
                    throw e;
                }
            }
            int endedNow = endLockers(c, table, spared);
            ended += endedNow;
            if (endedNow == 0) {
                // Only Lifeboat's own sessions are in the way (an applier's transaction): they end on their own.
                waitAtMost = "0";
            }
        }
    }

    /** Ends the sessions of other roles than {@code spared} and the connected one that hold or wait for a lock on it. */
    static int endLockers(Connection c, TableShape table, Collection<String> spared) throws SQLException {
        return BackendSessions.end(c, "datname = current_database() AND usename <> current_user"
                + " AND usename <> ALL (?) AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'relation'"
                + " AND relation = ?::regclass)", s -> {
                    s.setArray(1, c.createArrayOf("text", spared.toArray()));
                    s.setString(2, table.sqlName());
                });
    }
}
