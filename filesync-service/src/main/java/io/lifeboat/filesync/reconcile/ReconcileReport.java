package io.lifeboat.filesync.reconcile;

import java.time.Instant;

/** One comparison of a link's two listings and what it repaired. */
public record ReconcileReport(String linkId, String trigger, long checked, long copied, long conflicts, long failures,
        long durationMs, Instant completedAt, String error) {
}
