package io.lifeboat.filesync.mirror;

import java.time.Instant;
import java.util.Map;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.service.ServiceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Raises and resolves filesync's alerts (MIRROR_FAILED per link, FILE_CONFLICT per key). */
@ApplicationScoped
public class Alerts {

    private static final Logger LOG = Logger.getLogger(Alerts.class);

    private final EventPublisher publisher;
    private final ServiceIdentity identity;

    Alerts(EventPublisher publisher, ServiceIdentity identity) {
        this.publisher = publisher;
        this.identity = identity;
    }

    public void raise(String alertId, String kind, Severity severity, String siteId, String reason,
            Map<String, String> labels) {
        publish(() -> publisher.publishAndAwait(EventTypes.ALERT_RAISED, new AlertRaised(alertId, kind, severity,
                siteId, reason, raisedBy(), Instant.now(), labels)), alertId);
    }

    public void resolve(String alertId, String kind, String siteId, String reason) {
        publish(() -> publisher.publishAndAwait(EventTypes.ALERT_RESOLVED, new AlertResolved(alertId, kind, siteId,
                reason, raisedBy(), Instant.now())), alertId);
    }

    private String raisedBy() {
        return identity.who();
    }

    private static void publish(Runnable send, String alertId) {
        try {
            send.run();
        } catch (RuntimeException e) {
            // The log line stands in for the alert; the condition is also visible in GET /links and the metrics.
            LOG.errorf("could not publish alert %s: %s", alertId, e.getMessage());
        }
    }
}
