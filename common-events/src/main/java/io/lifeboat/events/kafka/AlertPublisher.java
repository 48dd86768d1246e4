package io.lifeboat.events.kafka;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.events.service.ServiceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;

/**
 * The one way a service raises and resolves an alert: the id from {@link AlertRaised#idFor}, this instance as who
 * raised it ({@link ServiceIdentity#who()}), a log line, and the event on {@code lifeboat.alerts} through the
 * {@link EventOutbox} (kept and retried while Kafka is away). heartbeat-service's relay delivers it to the receivers
 * once. (failover-service writes its alerts in the transaction of its state, with the same {@code AlertRaised.of}.)
 */
@ApplicationScoped
public class AlertPublisher {

    private static final Logger LOG = Logger.getLogger(AlertPublisher.class);

    private final EventOutbox outbox;
    private final ServiceIdentity identity;

    AlertPublisher(EventOutbox outbox, ServiceIdentity identity) {
        this.outbox = outbox;
        this.identity = identity;
    }

    /** Raises the alert {@code kind} about {@code about} (a link, a table, a key...). */
    public AlertRaised raise(String kind, String about, Severity severity, String siteId, String reason,
            Map<String, String> labels) {
        return raise(AlertRaised.of(kind, about, severity, siteId, reason, identity.who(), Instant.now(), labels));
    }

    /** Raises an alert built elsewhere (with {@link AlertRaised#of}). */
    public AlertRaised raise(AlertRaised alert) {
        LOG.warnf("alert %s raised (%s): %s", alert.alertId(), alert.severity(), alert.reason());
        outbox.publish(EventTypes.ALERT_RAISED, alert);
        return alert;
    }

    public void resolve(String kind, String about, String siteId, String reason) {
        resolve(AlertResolved.of(kind, about, siteId, reason, identity.who(), Instant.now()));
    }

    public void resolve(AlertResolved resolved) {
        LOG.infof("alert %s resolved: %s", resolved.alertId(), resolved.reason());
        outbox.publish(EventTypes.ALERT_RESOLVED, resolved);
    }
}
