package io.lifeboat.events;

import java.time.Instant;

/** A comparison of both sites' listings of a files link, and what it repaired. */
public record ReconciliationCompleted(String linkId, String trigger, long checked, long copied, long conflicts,
        long failures, long durationMs, Instant completedAt) implements EventPayload {

    @Override
    public String subject() {
        return linkId;
    }
}
