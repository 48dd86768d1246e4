package io.lifeboat.filesync.arrival;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.store.StoredObject;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.S3Object;

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

    private final List<SiteBucket> scanned;
    private final ArrivalPublisher arrivals;
    private final FilesyncConfig.Scanner config;
    private final String bootstrapServers;
    private final MeterRegistry meters;
    private ScannerState state;
    private volatile boolean started;

    ArrivalScanner(FilesyncConfig config, Sites sites, ArrivalPublisher arrivals, MeterRegistry meters,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.scanned = sites.buckets().stream()
                .filter(b -> config.sites().get(b.siteId()).arrivals() == FilesyncConfig.ArrivalSource.SCANNER)
                .toList();
        this.arrivals = arrivals;
        this.config = config.scanner();
        this.bootstrapServers = bootstrapServers;
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
                ScannerState loading = new ScannerState(bootstrapServers, config.stateTopic());
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
        int sincePage = 0;
        long announced = 0;
        String last = cursor.after();
        for (S3Object object : bucket.list(cursor.after(), config.pageSize())) {
            String key = object.key();
            last = key;
            if (bucket.mirrors(key)) {
                if (seen != null) {
                    seen.add(key);
                }
                String fingerprint = object.eTag().replace("\"", "") + ":" + object.size();
                if (!fingerprint.equals(known.get(key)) && announce(bucket, key)) {
                    state.remember(scope, key, fingerprint);
                    announced++;
                }
            }
            if (++sincePage >= config.pageSize()) {
                state.checkpoint(scope, new ScannerState.Cursor(cursor.pass(), last));
                sincePage = 0;
            }
        }
        if (seen != null) {
            for (String key : Set.copyOf(known.keySet())) {
                if (!seen.contains(key)) {
                    arrivals.publish(new ObjectChange(ObjectChange.Change.REMOVED, bucket.siteId(), bucket.bucket(),
                            key, 0, null, null, bucket.siteId(), Instant.now()), ArrivalPublisher.VIA_SCAN);
                    state.remember(scope, key, null);
                    announced++;
                }
            }
        }
        state.checkpoint(scope, new ScannerState.Cursor(cursor.pass() + 1, ""));
        if (announced > 0) {
            LOG.infof("scan %d of %s: %d change(s) announced", cursor.pass(), scope, announced);
        }
    }

    /** Announces the object as it is now (a HEAD gives its origin and checksum); false if it is already gone. */
    private boolean announce(SiteBucket bucket, String key) {
        Optional<StoredObject> now = bucket.head(key);
        if (now.isEmpty()) {
            return false;
        }
        StoredObject object = now.get();
        arrivals.publish(new ObjectChange(ObjectChange.Change.CREATED, bucket.siteId(), bucket.bucket(), key,
                object.size(), object.etag(), object.sha256().orElse(null), object.originSite(),
                object.lastModified() == null ? Instant.now() : object.lastModified()), ArrivalPublisher.VIA_SCAN);
        meters.counter("lifeboat.filesync.arrivals", "site", bucket.siteId(), "via", "scan").increment();
        return true;
    }

    @PreDestroy
    void close() {
        if (state != null) {
            state.close();
        }
    }
}
