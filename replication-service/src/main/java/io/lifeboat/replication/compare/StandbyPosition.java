package io.lifeboat.replication.compare;

import io.lifeboat.replication.apply.PositionStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Opens a REPEATABLE READ snapshot of the target that holds every source transaction committed before a source WAL
 * position. The applier commits its position ({@code applied_position.end_commit_lsn}, the commit LSN of the last
 * source transaction applied) in the same target transaction as the rows, and applies in commit order: a snapshot in
 * which that position is at or past the source position holds exactly the source's transactions up to it.
 */
final class StandbyPosition {

    private StandbyPosition() {
    }

    /**
     * Leaves {@code target} (autocommit off) inside such a snapshot, or throws when the applier has not passed
     * {@code sourceLsn} within {@code wait}.
     *
     * @return the applied commit LSN the snapshot holds
     */
    static long snapshotPast(Connection target, String linkId, long sourceLsn, Duration wait)
            throws SQLException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 20;
        while (true) {
            target.setAutoCommit(false);
            try (Statement s = target.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            long applied = PositionStore.appliedCommitLsn(target, linkId);
            if (applied >= sourceLsn) {
                return applied;
            }
            target.rollback();
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the standby applied up to " + lsn(applied) + ", not past the source's "
                        + lsn(sourceLsn) + " within " + wait.toSeconds() + " s (the link is behind or stopped)");
            }
            // The source's heartbeat (every heartbeat-interval) moves an idle stream past the position.
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 250);
        }
    }

    static String lsn(long lsn) {
        return lsn < 0 ? "nothing" : io.lifeboat.replication.db.SourcePosition.lsnText(lsn);
    }
}
