package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.replication.copy.CopyProgress;
import io.lifeboat.replication.apply.Unappliable;
import io.lifeboat.replication.drift.ColumnDrift;

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
}
