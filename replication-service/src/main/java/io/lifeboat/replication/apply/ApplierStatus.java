package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.replication.copy.CopyProgress;

import java.util.List;

/**
 * What the applier has done, as of its last loop.
 *
 * @param pending             records in the change topic not yet applied
 * @param applied             the newest change applied; null before the first
 * @param oldestPendingCommit source commit time of the newest change applied while records are pending (0 when
 *                            nothing is pending): what the lag is measured from
 * @param lastHeartbeatCommit source commit time of the newest heartbeat applied
 * @param stoppedTables       the change the target refused, with its table (the whole link waits at its
 *                            transaction: a transaction is applied whole or not at all)
 * @param consistency         whether the standby is a state the source had
 * @param copy                the copy under way, or null
 */
public record ApplierStatus(long pending, SourcePosition applied, long oldestPendingCommit, long lastHeartbeatCommit,
        long appliedChanges, boolean connected, boolean paused, List<Unappliable> stoppedTables, String lastError,
        StandbyConsistency consistency, CopyProgress copy) {

    /** The same, with a copy under way. */
    public ApplierStatus copying(CopyProgress progress, StandbyConsistency copying) {
        return new ApplierStatus(pending, applied, oldestPendingCommit, lastHeartbeatCommit, appliedChanges, connected,
                paused, stoppedTables, lastError, copying, progress);
    }

    public static ApplierStatus initial() {
        return new ApplierStatus(0, null, 0, 0, 0, false, false, List.of(), null,
                new StandbyConsistency(io.lifeboat.events.Consistency.UNKNOWN, "the applier has not started", 0, 0),
                null);
    }
}
