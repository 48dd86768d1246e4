package io.lifeboat.events;

import java.time.Instant;

/** A replication link (database or files) changed state, with the reason in words. */
public record LinkStateChanged(String linkId, LinkKind kind, String sourceSite, String targetSite,
        LinkState previous, LinkState state, String reason, String appliedPosition, Instant changedAt)
        implements EventPayload {

    @Override
    public String subject() {
        return linkId;
    }
}
