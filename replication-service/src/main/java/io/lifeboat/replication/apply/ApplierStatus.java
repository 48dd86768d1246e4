package io.lifeboat.replication.apply;

import java.util.List;

/**
 * What the applier has done, as of its last loop.
 *
 * @param pending              changes in Kafka not yet applied (all partitions)
 * @param applied              the newest streamed source position applied, over all tables; null before the first
 * @param oldestPendingCommit  commit time of the newest change applied on the slowest table that still has changes
 *                             pending (0 when nothing is pending): what the lag is measured from
 * @param lastHeartbeatCommit  source commit time of the newest heartbeat applied
 */
public record ApplierStatus(long pending, SourcePosition applied, long oldestPendingCommit, long lastHeartbeatCommit,
        long appliedChanges, boolean connected, boolean paused, List<Unappliable> stoppedTables, String lastError) {
}
