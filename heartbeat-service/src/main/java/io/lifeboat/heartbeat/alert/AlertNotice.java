package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.Severity;

import java.time.Instant;
import java.util.Map;

/**
 * One alert as receivers get it: raised or resolved. A resolution carries the labels and severity of the alert it
 * closes, since Alertmanager matches on labels.
 *
 * @param endsAt null while firing; when resolved, the moment it was resolved
 */
public record AlertNotice(boolean firing, String alertId, String kind, Severity severity, String siteId,
        String reason, String observerId, Instant startsAt, Instant endsAt, Map<String, String> labels) {

    static AlertNotice raised(AlertRaised raised) {
        return new AlertNotice(true, raised.alertId(), raised.kind(), raised.severity(), raised.siteId(),
                raised.reason(), raised.raisedBy(), raised.raisedAt(), null, raised.labels());
    }

    static AlertNotice resolved(AlertRaised raised, AlertResolved resolved) {
        return new AlertNotice(false, raised.alertId(), raised.kind(), raised.severity(), raised.siteId(),
                resolved.reason(), resolved.resolvedBy(), raised.raisedAt(), resolved.resolvedAt(), raised.labels());
    }
}
