package io.lifeboat.events;

import java.time.Instant;

/** The condition behind an alert is gone. */
public record AlertResolved(String alertId, String kind, String siteId, String reason, String resolvedBy,
        Instant resolvedAt) implements EventPayload {

    @Override
    public String subject() {
        return alertId;
    }
}
