package io.lifeboat.heartbeat.probe;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.heartbeat.config.TargetSpec;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one round of probes: every probe at once, each on its own thread and each bounded by its own timeout, so a
 * hanging target costs its timeout and nothing else. A target whose previous probe is somehow still running (a
 * driver that ignores its timeout) is reported failed without starting a second one, which keeps the threads
 * bounded by the number of targets.
 *
 * <p>Plain Java, no Quarkus: tests and benchmarks build further observers from it.
 */
public final class ProbeRunner implements AutoCloseable {

    private final List<Probe> probes;
    private final ObserverIdentity observer;
    private final Consumer<HeartbeatObserved> sink;
    private final Clock clock;
    private final ExecutorService threads;
    private final Map<Probe, Instant> inFlight = new ConcurrentHashMap<>();

    public ProbeRunner(List<Probe> probes, ObserverIdentity observer, Consumer<HeartbeatObserved> sink, Clock clock) {
        this.probes = List.copyOf(probes);
        this.observer = observer;
        this.sink = sink;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public List<Probe> probes() {
        return probes;
    }

    /** Starts every probe and returns at once; each result goes to the sink as it comes, the slow ones last. */
    public CompletableFuture<Void> runRound() {
        return CompletableFuture.allOf(probes.stream().map(this::start).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<HeartbeatObserved> start(Probe probe) {
        TargetSpec target = probe.target();
        Instant startedAt = clock.instant();
        Instant previous = inFlight.putIfAbsent(probe, startedAt);
        if (previous != null) {
            HeartbeatObserved skipped = heartbeat(target, startedAt, ProbeResult.failed(target.timeout().toMillis(),
                    "TIMEOUT", "the previous probe, started at " + previous + ", has still not finished"));
            deliver(skipped);
            return CompletableFuture.completedFuture(skipped);
        }
        long timeoutMs = target.timeout().toMillis();
        CompletableFuture<ProbeResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return probe.run();
            } finally {
                inFlight.remove(probe);
            }
        }, threads);
        return running
                .completeOnTimeout(ProbeResult.failed(timeoutMs, "TIMEOUT", "no answer within " + timeoutMs + " ms"),
                        timeoutMs, TimeUnit.MILLISECONDS)
                .exceptionally(failure -> Failures.of(failure, timeoutMs))
                .thenApply(result -> {
                    HeartbeatObserved heartbeat = heartbeat(target, startedAt, bounded(result, timeoutMs));
                    deliver(heartbeat);
                    return heartbeat;
                });
    }

    /** A probe that answered late is a timeout, however it ended: the bound is the contract. */
    private static ProbeResult bounded(ProbeResult result, long timeoutMs) {
        if (result.latencyMs() > timeoutMs && result.ok()) {
            return ProbeResult.failed(result.latencyMs(), "TIMEOUT", "answered after " + result.latencyMs()
                    + " ms, over the timeout of " + timeoutMs + " ms");
        }
        return result;
    }

    private HeartbeatObserved heartbeat(TargetSpec target, Instant startedAt, ProbeResult result) {
        return new HeartbeatObserved(target.siteId(), target.display(), target.kind().name(), target.critical(),
                observer.observerId(), observer.location(), result.ok(), result.latencyMs(), result.errorClass(),
                result.errorMessage(), result.readOnly(), startedAt);
    }

    private void deliver(HeartbeatObserved heartbeat) {
        try {
            sink.accept(heartbeat);
        } catch (RuntimeException e) {
            // The sink logs its own troubles; one bad delivery must not stop the round.
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
