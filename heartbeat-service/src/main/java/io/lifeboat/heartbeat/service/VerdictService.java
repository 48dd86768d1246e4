package io.lifeboat.heartbeat.service;

import io.lifeboat.events.kafka.EventOutbox;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.heartbeat.alert.AlertService;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.lifeboat.heartbeat.config.TargetSpec;
import io.lifeboat.heartbeat.config.VerdictSettings;
import io.lifeboat.heartbeat.verdict.Finding;
import io.lifeboat.heartbeat.verdict.Observation;
import io.lifeboat.heartbeat.verdict.ObserverStatus;
import io.lifeboat.heartbeat.verdict.SiteJudgement;
import io.lifeboat.heartbeat.verdict.VerdictEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the verdict logic and acts on what it concludes: every verdict change goes, with the same reason text, to
 * the log, to {@code lifeboat.outages} and to the alerts. The engine is pure and single-threaded; this class is the
 * one place that feeds it (heartbeats from the consumer, the clock from a one-second tick).
 */
@Startup
@ApplicationScoped
public class VerdictService {

    private static final Logger LOG = Logger.getLogger(VerdictService.class);

    private final VerdictEngine engine;
    private final String observerId;
    private final EventOutbox outbox;
    private final AlertService alerts;
    private final MeterRegistry meters;
    private final Set<String> gaugedSites = ConcurrentHashMap.newKeySet();
    private final Set<String> gaugedObservers = ConcurrentHashMap.newKeySet();

    VerdictService(HeartbeatConfig config, ProbeService probes, EventOutbox outbox, AlertService alerts,
            MeterRegistry meters) {
        this.engine = new VerdictEngine(VerdictSettings.rules(config.verdict()),
                probes.targets().stream().map(TargetSpec::siteId).distinct().toList());
        this.observerId = config.observerId();
        this.outbox = outbox;
        this.alerts = alerts;
        this.meters = meters;
        engine.sites().forEach(site -> gauge(site.siteId()));
        Gauge.builder("lifeboat.heartbeat.observers.reporting", this,
                        s -> s.observers().stream().filter(o -> !o.stale()).count())
                .description("Observers heard from within stale-after").register(meters);
    }

    public void observe(Observation observation) {
        List<Finding> findings;
        synchronized (engine) {
            findings = engine.observe(observation, Instant.now());
        }
        gauge(observation.siteId());
        act(findings);
    }

    @Scheduled(every = "1s", identity = "verdict-tick", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        List<Finding> findings;
        synchronized (engine) {
            findings = engine.evaluate(Instant.now());
        }
        act(findings);
        gaugeObservers();
    }

    public List<SiteJudgement> sites() {
        synchronized (engine) {
            return engine.sites();
        }
    }

    public Optional<SiteJudgement> site(String siteId) {
        synchronized (engine) {
            return engine.site(siteId);
        }
    }

    public List<ObserverStatus> observers() {
        synchronized (engine) {
            return engine.observers();
        }
    }

    public String observerId() {
        return observerId;
    }

    private void act(List<Finding> findings) {
        for (Finding finding : findings) {
            if (finding instanceof Finding.VerdictChanged changed) {
                SiteJudgement j = changed.judgement();
                // The one line a person reads to know what happened and why.
                if (j.verdict() == Verdict.UP) {
                    LOG.infof("site %s is UP (was %s): %s [transition %s]", j.siteId(), j.previous(), j.reason(), j.transitionId());
                } else {
                    LOG.warnf("site %s is %s (was %s): %s [transition %s]", j.siteId(), j.verdict(), j.previous(),
                            j.reason(), j.transitionId());
                }
                outbox.publish(EventTypes.SITE_VERDICT_CHANGED, new SiteVerdictChanged(j.transitionId(), j.siteId(),
                        j.verdict(), j.previous(), j.since(), j.reason(), j.evidence(), observerId));
            } else if (finding instanceof Finding.ObserverStale || finding instanceof Finding.FlappingStarted) {
                LOG.warn(finding.reason());
            } else {
                LOG.info(finding.reason());
            }
            alerts.on(finding);
        }
    }

    /**
     * Per observer, as this instance hears them: stale or not, and what each one sees of each site (a state set,
     * as the site's verdict). Observers are learnt from their heartbeats, so they are gauged when first heard.
     */
    private void gaugeObservers() {
        for (ObserverStatus observer : observers()) {
            String id = observer.observerId();
            if (gaugedObservers.add(id)) {
                Gauge.builder("lifeboat.heartbeat.observer.stale", this, s -> s.observers().stream()
                                .filter(o -> o.observerId().equals(id)).findFirst().map(o -> o.stale() ? 1.0 : 0.0)
                                .orElse(Double.NaN))
                        .description("1 while this observer has not been heard from within stale-after")
                        .tags("observer", id).register(meters);
            }
        }
        for (SiteJudgement site : sites()) {
            for (String id : site.observerViews().keySet()) {
                if (gaugedObservers.add(site.siteId() + "/" + id)) {
                    for (Verdict verdict : Verdict.values()) {
                        Gauge.builder("lifeboat.heartbeat.observer.site.verdict", this, s -> s.site(site.siteId())
                                        .map(j -> j.observerViews().get(id) == verdict ? 1.0 : 0.0).orElse(0.0))
                                .description("What each observer sees of each site: 1 for its current view")
                                .tags("site", site.siteId(), "observer", id, "verdict", verdict.name())
                                .register(meters);
                    }
                }
            }
        }
    }

    private void gauge(String siteId) {
        if (gaugedSites.add(siteId)) {
            for (Verdict verdict : Verdict.values()) {
                // A state set: 1 for the site's current verdict, 0 for the others.
                Gauge.builder("lifeboat.heartbeat.site.verdict", this,
                                s -> s.site(siteId).map(j -> j.verdict() == verdict ? 1.0 : 0.0).orElse(0.0))
                        .description("The verdict per site: 1 for the current one")
                        .tags("site", siteId, "verdict", verdict.name())
                        .register(meters);
            }
        }
    }
}
