package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.lifeboat.events.kafka.EventOutbox;
import io.lifeboat.heartbeat.verdict.Finding;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raises and resolves this instance's alerts: each goes to {@code lifeboat.alerts}, from where {@link AlertRelay}
 * delivers it to the receivers, with every other service's alerts, once. The verdict logic only hands findings over.
 */
@ApplicationScoped
public class AlertService {

    private static final Logger LOG = Logger.getLogger(AlertService.class);

    private final String observerId;
    private final EventOutbox outbox;
    private final AlertRelay relay;
    private final Map<String, AlertRaised> active = new TreeMap<>();

    AlertService(HeartbeatConfig config, EventOutbox outbox, AlertRelay relay) {
        this.observerId = config.observerId();
        this.outbox = outbox;
        this.relay = relay;
    }

    public void on(Finding finding) {
        AlertRules.Actions actions = AlertRules.on(finding, observerId, Instant.now());
        for (String alertId : actions.resolve()) {
            AlertRaised raised;
            synchronized (active) {
                raised = active.remove(alertId);
            }
            if (raised != null) {
                AlertResolved resolved = new AlertResolved(alertId, raised.kind(), raised.siteId(),
                        actions.resolveReason(), observerId, Instant.now());
                LOG.infof("alert %s resolved: %s", alertId, resolved.reason());
                outbox.publish(EventTypes.ALERT_RESOLVED, resolved);
            }
        }
        actions.raise().forEach(this::publish);
    }

    /**
     * The site warden's alert: it fences because it cannot reach Kafka, so the alert also goes to this instance's
     * receivers at once, not only when Kafka is back (the relay then delivers it a second time, with the same labels
     * and CloudEvents id: a page twice rather than late).
     */
    public void raiseAtOnce(AlertRaised raised) {
        publish(raised);
        relay.deliverAtOnce(AlertNotice.raised(raised));
    }

    private void publish(AlertRaised raised) {
        synchronized (active) {
            active.put(raised.alertId(), raised);
        }
        LOG.warnf("alert %s raised (%s): %s", raised.alertId(), raised.severity(), raised.reason());
        outbox.publish(EventTypes.ALERT_RAISED, raised);
    }

    public List<AlertRaised> active() {
        synchronized (active) {
            return List.copyOf(active.values());
        }
    }
}
