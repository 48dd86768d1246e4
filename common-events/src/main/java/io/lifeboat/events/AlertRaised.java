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

    /**
     * The one way an alert's id is made: its kind in lower case with dashes, a colon, and what it is about, e.g.
     * {@code site-down:home} or {@code apply-stopped:orders:public.accounts}. The same condition raised twice, or by
     * two instances, is then one alert, and its resolution names the same id.
     */
    public static String idFor(String kind, String about) {
        return kind.toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ":" + about;
    }

    /** An alert with the id {@link #idFor} gives. */
    public static AlertRaised of(String kind, String about, Severity severity, String siteId, String reason,
            String raisedBy, Instant raisedAt, Map<String, String> labels) {
        return new AlertRaised(idFor(kind, about), kind, severity, siteId, reason, raisedBy, raisedAt, labels);
    }

    @Override
    public String subject() {
        return alertId;
    }
}
