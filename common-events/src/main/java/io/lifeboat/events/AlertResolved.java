package io.lifeboat.events;

import java.time.Instant;

/** The condition behind an alert is gone. */
public record AlertResolved(String alertId, String kind, String siteId, String reason, String resolvedBy,
        Instant resolvedAt) implements EventPayload {

    /** The resolution of the alert {@link AlertRaised#of} raised with the same kind and subject. */
    public static AlertResolved of(String kind, String about, String siteId, String reason, String resolvedBy,
            Instant resolvedAt) {
        return new AlertResolved(AlertRaised.idFor(kind, about), kind, siteId, reason, resolvedBy, resolvedAt);
    }

    @Override
    public String subject() {
        return alertId;
    }
}
