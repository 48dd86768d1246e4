package io.lifeboat.replication.compare;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.Severity;
import io.lifeboat.replication.config.ReplicationConfig;
import io.lifeboat.replication.link.LinkDefinition;
import io.lifeboat.replication.link.LinkStatus;
import io.lifeboat.replication.link.ReplicationLink;
import io.lifeboat.replication.link.ReplicationLinks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs comparisons of the links' databases: on request ({@code POST /links/{id}/compare}), on a schedule
 * ({@code compare-interval}) and for other code (a failback's check): one at a time per link. Keeps each link's
 * recent results, reports the last time it was proven equal (the link's status, the lag feed, a gauge) and raises
 * {@code SITES_DIFFER} naming tables and keys when they differ (resolved by the next equal result).
 */
@ApplicationScoped
public class Comparisons {

    private static final Logger LOG = Logger.getLogger(Comparisons.class);
    static final String ALERT = "SITES_DIFFER";
    private static final int HISTORY = 20;

    private final ReplicationLinks links;
    private final ReplicationConfig config;
    private final MeterRegistry meters;
    private final Map<String, Deque<ComparisonResult>> history = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ComparisonResult>> running = new ConcurrentHashMap<>();
    /** The comparison reading both databases now, per link (to stop one the link's PROMOTE or REVERSE made moot). */
    private final Map<String, LinkComparison> reading = new ConcurrentHashMap<>();
    private final Map<String, Instant> provenEqual = new ConcurrentHashMap<>();
    /** Links whose difference alert is raised (resolved by the next equal result). */
    private final java.util.Set<String> differing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "compare-schedule");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "compare");
        t.setDaemon(true);
        return t;
    });

    Comparisons(ReplicationLinks links, ReplicationConfig config, MeterRegistry meters) {
        this.links = links;
        this.config = config;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        Optional<Duration> every = interval(config.compareInterval());
        for (ReplicationLink link : links.all()) {
            Gauge.builder("lifeboat.replication.last.proven.equal.timestamp.seconds", () -> {
                Instant at = provenEqual.get(link.id());
                return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
            }).tags(Tags.of("link", link.id()))
                    .description("when a comparison by hashes last found both databases of the link equal (Unix time)")
                    .register(meters);
        }
        every.ifPresent(d -> threads.scheduleAtFixedRate(this::scheduled, d.toMillis(), d.toMillis(),
                TimeUnit.MILLISECONDS));
        threads.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
        LOG.infof("comparison of the links' databases: %s", every.map(d -> "every " + d).orElse("on request only"));
    }

    void onStop(@Observes ShutdownEvent event) {
        threads.shutdownNow();
        workers.shutdownNow();
    }

    /** {@code off}, or a duration ({@code 24h}, {@code PT6H}); anything else stops the start naming the key. */
    static Optional<Duration> interval(String value) {
        if (value.isBlank() || value.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        try {
            Duration d = DurationConverter.parseDuration(value.trim());
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("not positive");
            }
            return Optional.of(d);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lifeboat.replication.compare-interval: '" + value
                    + "' is neither 'off' nor a positive duration such as 24h", e);
        }
    }

    /**
     * Every second: a comparison the link's PROMOTE or REVERSE made moot is stopped (its verdict would be dropped at
     * its end anyway); a failback by difference is proven by a comparison as soon as its new standby has caught up,
     * once no other comparison of the link is under way (one still running would take the request and then drop
     * its own verdict: the failback would never be proven).
     */
    private void watch() {
        for (ReplicationLink link : links.all()) {
            try {
                LinkComparison now = reading.get(link.id());
                if (now != null) {
                    moot(link.status().state(), link.definition().source().site(), now.sourceSite())
                            .ifPresent(now::stop);
                } else if (!running.containsKey(link.id()) && link.takeComparisonOwed()) {
                    start(link);
                }
            } catch (RuntimeException e) {
                // A periodic task that throws is never run again: this one must outlive any one link's trouble.
                LOG.warnf("link %s: comparison watch: %s", link.id(), e.toString());
            }
        }
    }

    /** Why a comparison of {@code comparedSource} → its target says nothing of the link as it is now, if it does not. */
    static Optional<String> moot(LinkState state, String sourceNow, String comparedSource) {
        if (state == LinkState.PROMOTED || state == LinkState.REVERSING || !sourceNow.equals(comparedSource)) {
            return Optional.of("stopped: the link became " + state + " (source " + sourceNow + ") during the"
                    + " comparison, so what was read is no verdict on the link as it is now");
        }
        return Optional.empty();
    }

    private void scheduled() {
        for (ReplicationLink link : links.all()) {
            try {
                start(link).join();
            } catch (RuntimeException e) {
                LOG.warnf("link %s: scheduled comparison failed: %s", link.id(), e.getMessage());
            }
        }
    }

    /** Starts a comparison of the link now, or returns the one under way. */
    public CompletableFuture<ComparisonResult> start(ReplicationLink link) {
        LinkDefinition d = link.definition();
        ComparisonResult first = ComparisonResult.running(link.id(), d.source().site(), d.target().site(), Instant.now());
        CompletableFuture<ComparisonResult> created = new CompletableFuture<>();
        CompletableFuture<ComparisonResult> f = running.computeIfAbsent(link.id(), id -> {
            remember(first);
            return created;
        });
        if (f == created) { // started here, not already under way
            workers.execute(() -> {
                try {
                    ComparisonResult r = compare(link, d, first.startedAt());
                    running.remove(link.id());
                    created.complete(r);
                } catch (RuntimeException | Error e) {
                    remember(first.ended(ComparisonResult.Outcome.FAILED, e.toString()));
                    running.remove(link.id());
                    created.completeExceptionally(e);
                }
            });
        }
        return f;
    }

    /**
     * The states in which both databases must be equal: streaming, or drained (source fenced, everything applied).
     * A promoted target takes its own writes, a reversal empties a side, a stopped link is behind on purpose.
     */
    static boolean comparable(LinkState state) {
        return state == LinkState.STREAMING || state == LinkState.DRAINED;
    }

    private ComparisonResult compare(ReplicationLink link, LinkDefinition d, Instant started) {
        LinkStatus status = link.status();
        ComparisonResult result;
        if (!comparable(status.state())) {
            result = ComparisonResult.running(link.id(), d.source().site(), d.target().site(), started).ended(
                    ComparisonResult.Outcome.NOT_COMPARED, "the link is " + status.state() + ", not streaming or"
                            + " drained: its databases need not be equal");
        } else if (status.consistency() == null || !status.consistency().consistent()) {
            result = ComparisonResult.running(link.id(), d.source().site(), d.target().site(), started).ended(
                    ComparisonResult.Outcome.NOT_COMPARED, "the standby is not consistent yet: "
                            + (status.consistency() == null ? "unknown" : status.consistency().reason()));
        } else {
            LinkComparison.Settings s = LinkComparison.Settings.defaults();
            LinkComparison comparison = new LinkComparison(link.id(), d.source(), d.target(), d.schemas(),
                    d::replicates, new LinkComparison.Settings(config.compareWait(), config.compareKeysReported(),
                            s.candidateKeys(), s.leafRows(), s.parts()));
            reading.put(link.id(), comparison);
            try {
                result = comparison.run();
            } finally {
                reading.remove(link.id());
            }
            LinkState after = link.status().state();
            if (result.outcome() != ComparisonResult.Outcome.NOT_COMPARED && (!comparable(after)
                    || !link.definition().source().site().equals(d.source().site()))) {
                // PROMOTE or REVERSE while comparing: what was read is no verdict on the link as it is now
                result = result.ended(ComparisonResult.Outcome.NOT_COMPARED, "the link became " + after
                        + " during the comparison (" + result.outcome() + " before that)");
            }
        }
        // The same start instant as the RUNNING entry: it is replaced, not added.
        result = new ComparisonResult(result.linkId(), result.outcome(), result.reason(), result.sourceSite(),
                result.targetSite(), result.sourcePosition(), started, result.finishedAt(), result.tablesCompared(),
                result.sourceRows(), result.targetRows(), result.firstPassRows(), result.differences(),
                result.notCompared());
        remember(result);
        LOG.infof("link %s: comparison %s: %s", link.id(), result.outcome(), result.reason());
        if (result.outcome() == ComparisonResult.Outcome.EQUAL) {
            provenEqual.put(link.id(), result.startedAt());
            link.provenEqual(result.startedAt());
            if (differing.remove(link.id())) {
                link.alerts().resolve(ALERT, "tables", d.target().site(), "both databases equal at source position "
                        + result.sourcePosition());
            }
        } else if (result.outcome() == ComparisonResult.Outcome.DIFFERENT) {
            differing.add(link.id());
            link.alerts().raise(ALERT, "tables", Severity.CRITICAL, d.target().site(), alertText(result),
                    Map.of("tables", result.differences().stream().map(ComparisonResult.TableDifference::table)
                            .collect(Collectors.joining(",")), "sourcePosition", result.sourcePosition()));
        }
        return result;
    }

    /** Table, count and the first keys of each differing table (bounded by compare-keys-reported). */
    static String alertText(ComparisonResult r) {
        return r.sourceSite() + " and " + r.targetSite() + " differ at source position " + r.sourcePosition() + ": "
                + r.differences().stream().map(t -> t.table() + ": " + t.rows() + " rows, keys " + t.keys().stream()
                        .map(Map::toString).collect(Collectors.joining(" ")) + (t.rows() > t.keys().size() ? " …" : ""))
                        .collect(Collectors.joining("; "));
    }

    private void remember(ComparisonResult r) {
        Deque<ComparisonResult> h = history.computeIfAbsent(r.linkId(), id -> new ArrayDeque<>());
        synchronized (h) {
            if (!h.isEmpty() && h.peekFirst().startedAt().equals(r.startedAt())) {
                h.pollFirst();
            }
            h.addFirst(r);
            while (h.size() > HISTORY) {
                h.pollLast();
            }
        }
    }

    /** The link's recent comparisons, newest first (the one under way as RUNNING). */
    public List<ComparisonResult> history(String linkId) {
        Deque<ComparisonResult> h = history.get(linkId);
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            return List.copyOf(h);
        }
    }
}
