package io.lifeboat.events;

import java.time.Instant;
import java.util.Map;

/**
 * Something needs a person's attention. {@code alertId} is stable for the condition (e.g.
 * {@code verdict-down:home}), so that raising it twice is one alert and {@link AlertResolved} closes it.
 *
 * @param kind    what sort of condition: SITE_DOWN, OBSERVER_STALE, FLAPPING, SLOT_RETENTION, SCHEMA_DRIFT,
 *                APPLY_STOPPED, MIRROR_FAILED, FILE_CONFLICT, APPROVAL_NEEDED, FAILOVER_STUCK, ...
 * @param siteId  the site concerned, where there is one
 * @param labels  extra key/values for routing (link, table, observer, ...)
 */
public record AlertRaised(String alertId, String kind, Severity severity, String siteId, String reason,
        String raisedBy, Instant raisedAt, Map<String, String> labels) implements EventPayload {

    @Override
    public String subject() {
        return alertId;
    }
}
