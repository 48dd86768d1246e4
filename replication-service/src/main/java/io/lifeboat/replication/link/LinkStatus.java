package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.replication.apply.ApplierStatus;
import io.lifeboat.replication.copy.CopyProgress;
import io.lifeboat.replication.apply.Unappliable;
import io.lifeboat.replication.drift.ColumnDrift;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A link as {@code GET /links/{id}} shows it.
 *
 * @param consistency whether the standby is a state the source had (initial copy done, nothing stopped, no gap)
 * @param copy        the copy under way (tables, rows, bytes, rate, estimate), or null
 * @param lastProvenEqualAt when a comparison last found both databases equal (since this instance started), or null
 */
public record LinkStatus(String id, String sourceSite, String targetSite, LinkState state, String reason,
        long lagMs, long pendingEvents, String sourcePosition, String appliedPosition, Instant appliedCommittedAt,
        Long retainedWalBytes, long appliedChanges, long producedChanges, List<Unappliable> stoppedTables,
        List<ColumnDrift> drift, String lastError, StandbyConsistency consistency, CopyProgress copy,
        Instant measuredAt, Instant lastProvenEqualAt) {

    /**
     * How far the standby is behind: the age of the oldest change not applied; with nothing pending, 0 while the
     * source's heartbeat comes through, else the time since its last one (the source has gone quiet, and what it did
     * since is unknown). A drained or promoted link with nothing applied yet is not behind.
     */
    static long lagMs(ApplierStatus s, long now, long startedAt, Duration heartbeatInterval, LinkState state) {
        long lag;
        if (s.pending() > 0) {
            lag = now - (s.oldestPendingCommit() > 1 ? s.oldestPendingCommit() : startedAt);
        } else if (s.lastHeartbeatCommit() > 0) {
            long fresh = heartbeatInterval.toMillis() * 3 + 1000;
            lag = now - s.lastHeartbeatCommit() <= fresh ? 0 : now - s.lastHeartbeatCommit();
        } else {
            lag = state == LinkState.DRAINED || state == LinkState.PROMOTED ? 0 : now - startedAt;
        }
        return Math.max(0, lag);
    }
}
