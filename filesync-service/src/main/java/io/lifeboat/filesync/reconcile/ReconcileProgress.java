package io.lifeboat.filesync.reconcile;

import java.time.Instant;

/**
 * How far a reconciliation of one link has got: objects listed at the source so far, compared (listing and, where the
 * sizes agree, metadata checked) and copied so far. The listing is streamed page by page, so the total is known only
 * once it has ended ({@code total} null until then, then equal to {@code listed}).
 */
public record ReconcileProgress(String linkId, String trigger, boolean running, Instant startedAt, long listed,
        Long total, long compared, long copied, long conflicts, long failures) {

    /** As the lag feed and a progress bar carry it: objects compared, of all listed once the listing has ended. */
    public io.lifeboat.events.WorkProgress asWork(java.time.Instant now) {
        return io.lifeboat.events.WorkProgress.of("objects", compared, total, "copied " + copied + ", conflicts "
                + conflicts + ", failures " + failures + ", listed " + listed, startedAt, now);
    }
}
