package io.lifeboat.filesync.arrival;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.store.StoredObject;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import io.lifeboat.filesync.store.s3.Listed;

/**
 * Sees arrivals at stores that send no notifications (sites with {@code arrivals=scanner}): lists the bucket in key
 * order, page by page, and announces every object whose ETag or size differs from what it announced before, and
 * every object gone since the last full pass.
 *
 * <p>Its memory ({@link ScannerState}) is in a compacted Kafka topic, written after the events it justifies: a
 * restart resumes the pass at its last checkpoint instead of starting over, and at worst announces a page again
 * (mirroring is idempotent), never misses one.
 */
@ApplicationScoped
public class ArrivalScanner {

    private static final Logger LOG = Logger.getLogger(ArrivalScanner.class);
    /** As long as the producer's own delivery timeout: past it the send has failed anyway. */
    private static final Duration AWAIT = Duration.ofSeconds(130);
    private static final int HEADS_AT_ONCE = 8;

    private final List<SiteBucket> scanned;
    private final ArrivalPublisher arrivals;
    private final FilesyncConfig.Scanner config;
    private final Map<String, Object> kafka;
    private final MeterRegistry meters;
    /** The HEADs of a page's new objects run several at once (each one's answer is what gets announced). */
    private final ExecutorService heads = Executors.newFixedThreadPool(HEADS_AT_ONCE, r -> {
        Thread thread = new Thread(r, "filesync-scanner-head");
        thread.setDaemon(true);
        return thread;
    });
    private ScannerState state;
    private volatile boolean started;

    ArrivalScanner(FilesyncConfig config, Sites sites, ArrivalPublisher arrivals, MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> defaultBroker) {
        this.scanned = sites.buckets().stream()
                .filter(b -> config.sites().get(b.siteId()).arrivals() == FilesyncConfig.ArrivalSource.SCANNER)
                .toList();
        this.arrivals = arrivals;
        this.config = config.scanner();
        this.kafka = KafkaSettings.clients(defaultBroker);
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent start) {
        started = true;
        scanned.forEach(b -> LOG.infof("site %s: arrivals in bucket %s are seen by scanning every %s", b.siteId(),
                b.bucket(), config.interval()));
    }

    @Scheduled(every = "${lifeboat.filesync.scanner.interval:10s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scanAll() {
        if (!started || scanned.isEmpty()) {
            return;
        }
        try {
            if (state == null) {
                ScannerState loading = new ScannerState(kafka, config.stateTopic());
                loading.load();
                state = loading;
            }
            for (SiteBucket bucket : scanned) {
                scan(bucket);
            }
        } catch (RuntimeException e) {
            // Next round resumes from the last checkpoint.
            LOG.warnf("scan interrupted, resuming from the last checkpoint next time: %s", e.getMessage());
        }
    }

    private void scan(SiteBucket bucket) {
        String scope = bucket.siteId() + "/" + bucket.bucket();
        ScannerState.Cursor cursor = state.cursor(scope);
        // Removals can only be told after a pass that saw the whole bucket in this process.
        boolean whole = cursor.after().isEmpty();
        Map<String, String> known = state.fingerprints(scope);
        Set<String> seen = whole ? new HashSet<>() : null;
        // Announcements go out without waiting one by one; a page's are all acknowledged before the scanner remembers
        // them and moves its cursor past them.
        List<Announced> inFlight = new ArrayList<>();
        int sincePage = 0;
        long announced = 0;
        String last = cursor.after();
        for (Listed object : bucket.list(cursor.after(), config.pageSize())) {
            String key = object.key();
            last = key;
            if (bucket.mirrors(key)) {
                if (seen != null) {
                    seen.add(key);
                }
                String fingerprint = object.eTag().replace("\"", "") + ":" + object.size();
                if (!fingerprint.equals(known.get(key))) {
                    inFlight.add(new Announced(key, fingerprint, announce(bucket, key)));
                }
            }
            if (++sincePage >= config.pageSize()) {
                announced += settle(scope, inFlight);
                state.checkpoint(scope, new ScannerState.Cursor(cursor.pass(), last));
                sincePage = 0;
            }
        }
        if (seen != null) {
            for (String key : Set.copyOf(known.keySet())) {
                if (!seen.contains(key)) {
                    inFlight.add(new Announced(key, null, arrivals.publishAsync(new ObjectChange(
                            ObjectChange.Change.REMOVED, bucket.siteId(), bucket.bucket(), key, 0, null, null,
                            bucket.siteId(), Instant.now()), ArrivalPublisher.VIA_SCAN).thenApply(sent -> true)));
                }
            }
        }
        announced += settle(scope, inFlight);
        state.checkpoint(scope, new ScannerState.Cursor(cursor.pass() + 1, ""));
        if (announced > 0) {
            LOG.infof("scan %d of %s: %d change(s) announced", cursor.pass(), scope, announced);
        }
    }

    /**
     * Waits until every announcement sent is safe in Kafka, then remembers them (never before).
     *
     * @return how many were announced (an object gone before its HEAD is not)
     */
    private int settle(String scope, List<Announced> inFlight) {
        int announced = 0;
        try {
            for (Announced a : inFlight) {
                if (a.sent().get(AWAIT.toSeconds(), TimeUnit.SECONDS)) {
                    announced++;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not announce a change of " + scope + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing the changes of " + scope, e);
        }
        for (Announced a : inFlight) {
            if (a.sent().join()) {
                state.remember(scope, a.key(), a.fingerprint());
            }
        }
        inFlight.clear();
        return announced;
    }

    /**
     * Announces the object as it is now (a HEAD gives its origin and checksum), several at once on the scanner's own
     * threads. The future completes when the announcement is acknowledged, with false if the object was already gone.
     */
    private CompletableFuture<Boolean> announce(SiteBucket bucket, String key) {
        return CompletableFuture.supplyAsync(() -> bucket.head(key), heads).thenCompose(now -> {
            if (now.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            StoredObject object = now.get();
            meters.counter("lifeboat.filesync.arrivals", "site", bucket.siteId(), "via", "scan").increment();
            return arrivals.publishAsync(new ObjectChange(ObjectChange.Change.CREATED, bucket.siteId(),
                    bucket.bucket(), key, object.size(), object.etag(), object.sha256().orElse(null),
                    object.originSite(), object.lastModified() == null ? Instant.now() : object.lastModified()),
                    ArrivalPublisher.VIA_SCAN).thenApply(sent -> true);
        });
    }

    private record Announced(String key, String fingerprint, CompletableFuture<Boolean> sent) {
    }

    @PreDestroy
    void close() {
        heads.shutdownNow();
        if (state != null) {
            state.close();
        }
    }
}
