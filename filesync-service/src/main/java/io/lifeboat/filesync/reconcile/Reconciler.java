package io.lifeboat.filesync.reconcile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReconciliationCompleted;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.lag.LinkActivities;
import io.lifeboat.filesync.lag.LinkActivity;
import io.lifeboat.filesync.mirror.MirrorDecision;
import io.lifeboat.filesync.mirror.MirrorFacts;
import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.mirror.MirrorService;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.store.StoredObject;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import io.lifeboat.filesync.store.s3.Listed;

/**
 * Compares both listings of a link (key and size from the listing; checksum and origin metadata by HEAD where the
 * sizes agree) and repairs through {@link MirrorService} whatever is missing or different at the target. Catches what
 * arrived while filesync was away, what was removed or changed behind its back, and what gave up earlier. Listings
 * are walked side by side in key order, page by page: memory does not grow with the bucket.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** S3 lists keys in the binary order of their UTF-8 bytes (not Java's UTF-16 order). */
    static final Comparator<String> S3_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Sites sites;
    private final MirrorService mirrors;
    private final LinkActivities activities;
    private final EventPublisher publisher;
    private final FilesyncConfig.Reconcile config;
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
    private final Map<String, ReconcileReport> last = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    private final Map<String, Counts> progress = new ConcurrentHashMap<>();
    private volatile boolean started;

    Reconciler(Sites sites, MirrorService mirrors, LinkActivities activities, EventPublisher publisher,
            FilesyncConfig config) {
        this.sites = sites;
        this.mirrors = mirrors;
        this.activities = activities;
        this.publisher = publisher;
        this.config = config.reconcile();
    }

    void onStart(@Observes StartupEvent start) {
        started = true;
    }

    /** Runs the links that are due: never run (at start-up), past the interval, or holding files that gave up. */
    @Scheduled(every = "5s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcileWhatIsDue() {
        if (!started) {
            return;
        }
        Instant now = Instant.now();
        for (BucketLink link : sites.links()) {
            Instant previous = lastStarted.get(link.linkId());
            boolean due;
            String trigger;
            if (previous == null) {
                due = config.onStart();
                trigger = "start-up";
                if (!due) {
                    lastStarted.put(link.linkId(), now);
                }
            } else if (activities.of(link).failedFiles() > 0
                    && Duration.between(previous, now).compareTo(config.retryInterval()) >= 0) {
                due = true;
                trigger = "retry of " + activities.of(link).failedFiles() + " file(s) that gave up";
            } else {
                due = Duration.between(previous, now).compareTo(config.interval()) >= 0;
                trigger = "schedule";
            }
            if (due) {
                reconcile(link, trigger);
            }
        }
    }

    public List<ReconcileReport> reconcileAll(String trigger) {
        List<ReconcileReport> reports = new ArrayList<>();
        for (BucketLink link : sites.links()) {
            reports.add(reconcile(link, trigger));
        }
        return reports;
    }

    public Optional<ReconcileReport> lastReport(String linkId) {
        return Optional.ofNullable(last.get(linkId));
    }

    /** The running reconciliation of a link, or else the figures its last one ended with. */
    public Optional<ReconcileProgress> progress(String linkId) {
        return Optional.ofNullable(progress.get(linkId)).map(c -> c.snapshot(linkId));
    }

    /** One pass over one link; a second caller for the same link waits for the first and then runs its own. */
    public ReconcileReport reconcile(BucketLink link, String trigger) {
        ReentrantLock lock = running.computeIfAbsent(link.linkId(), id -> new ReentrantLock());
        lock.lock();
        try {
            lastStarted.put(link.linkId(), Instant.now());
            ReconcileReport report = pass(link, trigger);
            last.put(link.linkId(), report);
            activities.of(link).reconciled(report.completedAt());
            try {
                publisher.publishAndAwait(EventTypes.RECONCILIATION_COMPLETED, new ReconciliationCompleted(
                        link.linkId(), trigger, report.checked(), report.copied(), report.conflicts(),
                        report.failures(), report.durationMs(), report.completedAt()));
            } catch (RuntimeException e) {
                LOG.errorf("could not publish the reconciliation report of %s: %s", link.linkId(), e.getMessage());
            }
            return report;
        } finally {
            Optional.ofNullable(progress.get(link.linkId())).ifPresent(c -> c.running = false);
            activities.of(link).workDone();
            lock.unlock();
        }
    }

    private ReconcileReport pass(BucketLink link, String trigger) {
        long begin = System.nanoTime();
        Counts counts = new Counts(trigger);
        progress.put(link.linkId(), counts);
        LinkActivity activity = activities.of(link);
        activity.working(now -> counts.snapshot(link.linkId()).asWork(now));
        Set<String> gaveUpBefore = new HashSet<>();
        activity.failures().forEach(f -> gaveUpBefore.add(f.key()));
        String error = null;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.parallelism(), config.parallelism(), 10,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.parallelism() * 4),
                r -> new Thread(r, "reconcile-" + link.linkId()), new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            Iterator<Listed> source = link.source().list(null, 1000).iterator();
            Iterator<Listed> target = link.target().list(null, 1000).iterator();
            Listed t = next(target);
            while (source.hasNext()) {
                Listed s = source.next();
                while (t != null && S3_ORDER.compare(t.key(), s.key()) < 0) {
                    t = next(target);
                }
                Listed match = t != null && t.key().equals(s.key()) ? t : null;
                if (!link.source().mirrors(s.key()) || !link.target().mirrors(s.key())) {
                    continue;
                }
                gaveUpBefore.remove(s.key());
                counts.checked.incrementAndGet();
                pool.execute(() -> compareAndRepair(link, s, match, counts));
            }
            counts.listingDone = true;
        } catch (RuntimeException e) {
            error = "listing failed: " + e.getMessage();
            LOG.warnf("reconciliation of %s stopped early: %s", link.linkId(), error);
        } finally {
            pool.shutdown();
            awaitQuietly(pool);
        }
        // Files that gave up and are no longer listed at the source: settle them (the worker will say why).
        for (String key : gaveUpBefore) {
            repair(link, key, 0, counts);
        }
        long failures = counts.failures.get() + (error == null ? 0 : 1);
        ReconcileReport report = new ReconcileReport(link.linkId(), trigger, counts.checked.get(), counts.copied.get(),
                counts.conflicts.get(), failures, Duration.ofNanos(System.nanoTime() - begin).toMillis(),
                Instant.now(), error);
        LOG.infof("reconciliation of %s (%s): %d checked, %d copied, %d conflicts, %d failures in %d ms%s",
                link.linkId(), trigger, report.checked(), report.copied(), report.conflicts(), report.failures(),
                report.durationMs(), error == null ? "" : " (" + error + ")");
        return report;
    }

    private void compareAndRepair(BucketLink link, Listed source, Listed target, Counts counts) {
        try {
            compareOrRepair(link, source, target, counts);
        } finally {
            counts.compared.incrementAndGet();
        }
    }

    private void compareOrRepair(BucketLink link, Listed source, Listed target, Counts counts) {
        try {
            if (target != null && target.size() == source.size()
                    && needsNoRepair(link, source.key())) {
                return;
            }
        } catch (RuntimeException e) {
            // A HEAD failed: let the worker try (and retry) the whole thing.
        }
        repair(link, source.key(), source.size(), counts);
    }


    private void repair(BucketLink link, String key, long size, Counts counts) {
        MirrorService.Result result = mirrors.mirror(link, key, size, Instant.now(), "reconciliation");
        if (result.failed()) {
            counts.failures.incrementAndGet();
            return;
        }
        Kind kind = result.outcome().kind();
        if (kind == Kind.COPIED || kind == Kind.CONFLICT_SOURCE_WON) {
            counts.copied.incrementAndGet();
        }
        if (kind.isConflict()) {
            counts.conflicts.incrementAndGet();
        }
    }

    /**
     * Whether the mirror rules, from both HEADs alone, leave the key as it is (an echo, or the target holds the
     * source's content); anything else, including a decision that would need a content read, goes to the worker.
     */
    private boolean needsNoRepair(BucketLink link, String key) {
        Optional<StoredObject> source = link.source().head(key);
        Optional<StoredObject> target = link.target().head(key);
        if (target.isEmpty()) {
            return false;
        }
        MirrorDecision.Action action = mirrors.rules().decide(MirrorFacts.of(link, source, target)).action();
        return action == MirrorDecision.Action.ECHO || action == MirrorDecision.Action.IDENTICAL;
    }

    private static Listed next(Iterator<Listed> iterator) {
        return iterator.hasNext() ? iterator.next() : null;
    }

    private static void awaitQuietly(ThreadPoolExecutor pool) {
        try {
            pool.awaitTermination(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Counts {
        final String trigger;
        final Instant startedAt = Instant.now();
        volatile boolean listingDone;
        volatile boolean running = true;
        final AtomicLong compared = new AtomicLong();
        final AtomicLong checked = new AtomicLong();
        final AtomicLong copied = new AtomicLong();
        final AtomicLong conflicts = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        Counts(String trigger) {
            this.trigger = trigger;
        }

        ReconcileProgress snapshot(String linkId) {
            return new ReconcileProgress(linkId, trigger, running, startedAt, checked.get(),
                    listingDone ? checked.get() : null, compared.get(), copied.get(), conflicts.get(), failures.get());
        }
    }
}
