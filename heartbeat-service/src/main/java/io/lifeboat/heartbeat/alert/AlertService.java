package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.lifeboat.heartbeat.service.EventOutbox;
import io.lifeboat.heartbeat.verdict.Finding;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raises and resolves alerts: each goes to {@code lifeboat.alerts} and to every configured webhook receiver. The
 * verdict logic only hands findings over; delivery happens on the receivers' own threads.
 */
@ApplicationScoped
public class AlertService {

    private static final Logger LOG = Logger.getLogger(AlertService.class);

    private final String observerId;
    private final EventOutbox outbox;
    private final List<Receiving> receivers = new ArrayList<>();
    private final Map<String, AlertRaised> active = new TreeMap<>();

    private record Receiving(WebhookReceiver receiver, Severity minSeverity) {
    }

    AlertService(HeartbeatConfig config, EventOutbox outbox) {
        this.observerId = config.observerId();
        this.outbox = outbox;
        HeartbeatConfig.Alerts alerts = config.alerts();
        WebhookReceiver.Retry retry = new WebhookReceiver.Retry(alerts.initialBackoff(), alerts.maxBackoff(),
                alerts.giveUpAfter(), alerts.requestTimeout(), alerts.resendEvery());
        new TreeMap<>(alerts.receivers()).forEach((name, receiver) -> {
            if (!receiver.enabled()) {
                return;
            }
            String key = "lifeboat.heartbeat.alerts.receivers." + name + ".url";
            if (!receiver.url().startsWith("http://") && !receiver.url().startsWith("https://")) {
                throw new IllegalArgumentException(key + ": not an http(s) URL");
            }
            WebhookReceiver r = new WebhookReceiver(name, receiver.kind(), receiver.url(), receiver.headers(), retry,
                    this::firing);
            LOG.infof("alerts go to %s (severity %s and above)", r.where(), receiver.minSeverity());
            receivers.add(new Receiving(r, receiver.minSeverity()));
        });
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
                deliver(AlertNotice.resolved(raised, resolved));
            }
        }
        for (AlertRaised raised : actions.raise()) {
            synchronized (active) {
                active.put(raised.alertId(), raised);
            }
            LOG.warnf("alert %s raised (%s): %s", raised.alertId(), raised.severity(), raised.reason());
            outbox.publish(EventTypes.ALERT_RAISED, raised);
            deliver(AlertNotice.raised(raised));
        }
    }

    /** An alert raised outside the verdict logic (the site warden's), delivered the same way. */
    public void raise(AlertRaised raised) {
        synchronized (active) {
            active.put(raised.alertId(), raised);
        }
        LOG.warnf("alert %s raised (%s): %s", raised.alertId(), raised.severity(), raised.reason());
        outbox.publish(EventTypes.ALERT_RAISED, raised);
        deliver(AlertNotice.raised(raised));
    }

    public List<AlertRaised> active() {
        synchronized (active) {
            return List.copyOf(active.values());
        }
    }

    private List<AlertNotice> firing() {
        return active().stream().map(AlertNotice::raised).toList();
    }

    private void deliver(AlertNotice notice) {
        for (Receiving r : receivers) {
            if (notice.severity().compareTo(r.minSeverity()) >= 0) {
                r.receiver().send(notice);
            }
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        receivers.forEach(r -> r.receiver().close());
    }
}
