package io.lifeboat.replication.lag;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.replication.link.LinkStatus;
import io.lifeboat.replication.link.ReplicationLink;
import io.lifeboat.replication.link.ReplicationLinks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboards' feed: one {@code ReplicationLag} per link per second, also while idle, and the same figures as
 * Prometheus gauges. Only reads in-memory status: a lost database never delays the feed.
 */
@ApplicationScoped
public class LagReporter {

    private static final Logger LOG = Logger.getLogger(LagReporter.class);

    private final ReplicationLinks links;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Map<String, LinkStatus> latest = new ConcurrentHashMap<>();
    private volatile boolean started;

    LagReporter(ReplicationLinks links, EventPublisher publisher, MeterRegistry meters) {
        this.links = links;
        this.publisher = publisher;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        for (ReplicationLink link : links.all()) {
            Tags tags = Tags.of("link", link.id());
            // Prometheus' base units: seconds and bytes; counts that only grow are counters (_total).
            Gauge.builder("lifeboat.replication.lag.seconds", () -> figure(link.id(), s -> s.lagMs() / 1000.0))
                    .tags(tags)
                    .description("source commit of the newest change against its application; 0 when caught up")
                    .register(meters);
            Gauge.builder("lifeboat.replication.pending.events", () -> figure(link.id(), LinkStatus::pendingEvents))
                    .tags(tags).register(meters);
            Gauge.builder("lifeboat.replication.retained.wal.bytes", () -> figure(link.id(),
                    s -> s.retainedWalBytes() == null ? Double.NaN : s.retainedWalBytes())).tags(tags).register(meters);
            FunctionCounter.builder("lifeboat.replication.applied.changes", this,
                    r -> r.count(link.id(), LinkStatus::appliedChanges)).tags(tags).register(meters);
            FunctionCounter.builder("lifeboat.replication.produced.changes", this,
                    r -> r.count(link.id(), LinkStatus::producedChanges)).tags(tags).register(meters);
            Gauge.builder("lifeboat.replication.stopped.tables", () -> figure(link.id(), s -> s.stoppedTables().size()))
                    .tags(tags).register(meters);
            Gauge.builder("lifeboat.replication.standby.consistent", () -> figure(link.id(),
                    s -> s.consistency() != null && s.consistency().consistent() ? 1 : 0)).tags(tags)
                    .description("1 when the standby is a state the source had (copy complete, nothing stopped, no"
                            + " gap), else 0").register(meters);
            Gauge.builder("lifeboat.replication.tables.copied", () -> figure(link.id(),
                    s -> s.consistency() == null ? Double.NaN : s.consistency().tablesCopied())).tags(tags)
                    .register(meters);
            Gauge.builder("lifeboat.replication.tables", () -> figure(link.id(),
                    s -> s.consistency() == null ? Double.NaN : s.consistency().tablesTotal())).tags(tags)
                    .register(meters);
        }
        started = true; // a @Scheduled method can fire before the channels are wired
    }

    /** A counter is never NaN: 0 until the first status. */
    private double count(String link, java.util.function.ToDoubleFunction<LinkStatus> f) {
        LinkStatus s = latest.get(link);
        return s == null ? 0 : f.applyAsDouble(s);
    }

    private double figure(String link, java.util.function.ToDoubleFunction<LinkStatus> f) {
        LinkStatus s = latest.get(link);
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    @Scheduled(every = "${lifeboat.replication.lag-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void report() {
        if (!started) {
            return;
        }
        for (ReplicationLink link : links.all()) {
            LinkStatus s = link.status();
            latest.put(link.id(), s);
            ReplicationLag lag = new ReplicationLag(s.id(), LinkKind.DATABASE, s.sourceSite(), s.targetSite(), s.lagMs(),
                    s.pendingEvents(), null, s.sourcePosition(), s.appliedPosition(), s.retainedWalBytes(), s.state(),
                    s.measuredAt(), s.consistency(), s.lastProvenEqualAt(), s.copy() == null ? null : s.copy().asWork());
            publisher.publish(EventTypes.REPLICATION_LAG, lag).subscribe().with(ok -> { },
                    e -> LOG.debugf("lag of link %s not published: %s", s.id(), e.getMessage()));
        }
    }
}
