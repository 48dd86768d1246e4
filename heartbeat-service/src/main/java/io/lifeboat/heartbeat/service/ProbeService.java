package io.lifeboat.heartbeat.service;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.lifeboat.heartbeat.config.TargetSpec;
import io.lifeboat.heartbeat.config.TargetSpecs;
import io.lifeboat.heartbeat.probe.ObserverIdentity;
import io.lifeboat.heartbeat.probe.ProbeRunner;
import io.lifeboat.heartbeat.probe.Probes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This observer's probing: every interval, one round of probes over all configured targets; each result is a
 * heartbeat on {@code lifeboat.heartbeats}, where every observer (this one too) reads it.
 */
@Startup
@ApplicationScoped
public class ProbeService {

    private static final Logger LOG = Logger.getLogger(ProbeService.class);

    private final HeartbeatConfig config;
    private final List<TargetSpec> targets;
    private final ProbeRunner runner;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final AtomicLong unpublished = new AtomicLong();
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-rounds");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant lastRound;

    ProbeService(HeartbeatConfig config, EventPublisher publisher, MeterRegistry meters) {
        this.config = config;
        // Checked here, at start-up: a bad target stops the service with a message naming its key.
        this.targets = TargetSpecs.from(config);
        this.publisher = publisher;
        this.meters = meters;
        this.runner = new ProbeRunner(Probes.of(targets), new ObserverIdentity(config.observerId(), config.location()),
                this::publish, Clock.systemUTC());
        if (targets.isEmpty()) {
            LOG.warn("no sites configured under lifeboat.heartbeat.sites: this instance only judges other observers' heartbeats");
        }
        targets.forEach(t -> LOG.infof("probing %s every %s (timeout %s ms)", t, config.interval(), t.timeout().toMillis()));
    }

    public List<TargetSpec> targets() {
        return targets;
    }

    public Instant lastRound() {
        return lastRound;
    }

    public Duration interval() {
        return config.interval();
    }

    /**
     * Rounds start once the application is up (the heartbeat channel is wired by then), at a fixed rate of their
     * own: Quarkus' scheduler does not go below one second, and a round only starts probes, it never waits on them.
     */
    void start(@Observes StartupEvent start) {
        rounds.scheduleAtFixedRate(this::round, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            lastRound = Instant.now();
            runner.runRound();
        } catch (RuntimeException e) {
            LOG.errorf(e, "a probe round failed to start");
        }
    }

    private void publish(HeartbeatObserved heartbeat) {
        Timer.builder("lifeboat.heartbeat.probe.latency")
                .description("How long each probe took, per target")
                .tags("site", heartbeat.siteId(), "target", heartbeat.target(), "kind", heartbeat.targetKind(),
                        "outcome", heartbeat.ok() ? "ok" : "failed")
                .register(meters).record(heartbeat.latencyMs(), TimeUnit.MILLISECONDS);
        if (!heartbeat.ok()) {
            Counter.builder("lifeboat.heartbeat.probe.failures")
                    .description("Failed probes, per target and error class")
                    .tags("site", heartbeat.siteId(), "target", heartbeat.target(), "error", heartbeat.errorClass())
                    .register(meters).increment();
            LOG.debugf("%s %s failed: %s %s", heartbeat.siteId(), heartbeat.target(), heartbeat.errorClass(),
                    heartbeat.errorMessage());
        }
        publisher.publish(EventTypes.HEARTBEAT_OBSERVED, heartbeat).subscribe().with(
                event -> unpublished.set(0),
                failure -> {
                    // One line per 100 lost heartbeats is enough: while the broker is away, every round fails.
                    if (unpublished.getAndIncrement() % 100 == 0) {
                        LOG.warnf("cannot publish heartbeats (%s); %d lost so far, the next rounds replace them",
                                failure.getMessage(), unpublished.get());
                    }
                });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        rounds.shutdownNow();
        runner.close();
    }
}
