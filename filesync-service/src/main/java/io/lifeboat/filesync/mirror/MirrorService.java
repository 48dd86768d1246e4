package io.lifeboat.filesync.mirror;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileMirrorFailed;
import io.lifeboat.events.FileMirrored;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.LinkStateChanged;
import io.lifeboat.events.Severity;
import io.lifeboat.events.kafka.AlertPublisher;
import io.lifeboat.events.kafka.EventOutbox;
import io.lifeboat.events.retry.Backoff;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.lag.LinkActivities;
import io.lifeboat.filesync.lag.LinkActivity;
import io.lifeboat.filesync.lag.LinkActivity.Decision;
import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Mirrors a key over a link as a service: one worker per key at a time, retries with backoff, and everything decided
 * reported with its reason (log, {@link LinkActivity} for {@code GET /links}, events, alerts, metrics). Blocking:
 * call it from worker threads.
 */
@ApplicationScoped
public class MirrorService {

    private static final Logger LOG = Logger.getLogger(MirrorService.class);

    private final FilesyncConfig.Mirror config;
    private final MirrorWorker worker;
    private final LinkActivities activities;
    private final EventOutbox outbox;
    private final AlertPublisher alerts;
    private final MeterRegistry meters;
    private final KeyLocks locks = new KeyLocks(1024);
    /** One per link, built once: a timer with percentiles is looked up (tags hashed, id compared) at every build. */
    private final java.util.concurrent.ConcurrentMap<String, Timer> durations =
            new java.util.concurrent.ConcurrentHashMap<>();

    MirrorService(FilesyncConfig config, LinkActivities activities, EventOutbox outbox, AlertPublisher alerts,
            MeterRegistry meters) {
        this.config = config.mirror();
        this.worker = new MirrorWorker(this.config.multipartThreshold().asLongValue(),
                this.config.partSize().asLongValue(), this.config.conflictPrefix(),
                this.config.memoryBuffer().asLongValue(),
                new Spool(this.config.spoolDir(), this.config.spoolSize().asLongValue()));
        this.activities = activities;
        this.outbox = outbox;
        this.alerts = alerts;
        this.meters = meters;
    }

    /** What became of one key: an outcome, or the reason it gave up after its attempts. */
    public record Result(MirrorOutcome outcome, String failure, int attempts) {
        public boolean failed() {
            return outcome == null;
        }
    }

    /**
     * Mirrors the key over the link, retrying with backoff up to the configured attempts; gives up with an alert and
     * a file.mirror-failed event (reconciliation tries again later). Never throws.
     *
     * @param arrivedAt when the change was seen at the source: the lag is measured from it
     * @param trigger   what asked for it (notification, scan, reconciliation), for the log
     */
    public Result mirror(BucketLink link, String key, long size, Instant arrivedAt, String trigger) {
        LinkActivity activity = activities.of(link);
        activity.arrived(key, size, arrivedAt);
        ReentrantLock lock = locks.of(key);
        lock.lock();
        try {
            return mirrorLocked(link, activity, key, size, arrivedAt, trigger);
        } finally {
            lock.unlock();
        }
    }

    /** An arrival that needs no S3 call to decide (an echo seen in the event itself); recorded like the rest. */
    public void skipWithoutLooking(BucketLink link, String key, MirrorDecision decision) {
        Kind kind = decision.action().outcome();
        LOG.debugf("%s %s: skipped (%s): %s", link.linkId(), key, kind, decision.reason());
        activities.of(link).settled(key, new Decision(Instant.now(), key, kind.name(), decision.reason()));
        meters.counter("lifeboat.filesync.skipped", "link", link.linkId(), "reason", kind.name()).increment();
    }

    private Result mirrorLocked(BucketLink link, LinkActivity activity, String key, long size, Instant arrivedAt,
            String trigger) {
        String lastFailure = null;
        Backoff backoff = new Backoff(config.firstBackoff(), config.maxBackoff());
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            long started = System.nanoTime();
            try {
                MirrorOutcome outcome = worker.mirror(link, key);
                long durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
                report(link, activity, key, outcome, durationMs, arrivedAt, trigger);
                return new Result(outcome, null, attempt);
            } catch (RuntimeException e) {
                lastFailure = describe(e);
                meters.counter("lifeboat.filesync.attempts.failed", "link", link.linkId()).increment();
                if (attempt < config.maxAttempts()) {
                    LOG.warnf("%s %s: attempt %d of %d failed, retrying in %d ms: %s", link.linkId(), key, attempt,
                            config.maxAttempts(), backoff.current().toMillis(), lastFailure);
                    if (!backoff.pause()) {
                        Thread.currentThread().interrupt(); // the order to stop, kept for the caller
                        break;
                    }
                }
            }
        }
        giveUp(link, activity, key, size, arrivedAt, config.maxAttempts(), lastFailure);
        return new Result(null, lastFailure, config.maxAttempts());
    }

    private void report(BucketLink link, LinkActivity activity, String key, MirrorOutcome outcome, long durationMs,
            Instant arrivedAt, String trigger) {
        Instant now = Instant.now();
        Decision decision = new Decision(now, key, outcome.kind().name(), outcome.reason());
        String tag = outcome.kind().name();
        meters.counter("lifeboat.filesync.decisions", "link", link.linkId(), "outcome", tag).increment();
        if (outcome.bytes() > 0) {
            meters.counter("lifeboat.filesync.bytes.mirrored", "link", link.linkId()).increment(outcome.bytes());
        }
        boolean wrote = outcome.kind() == Kind.COPIED || outcome.kind() == Kind.CONFLICT_SOURCE_WON;
        if (wrote) {
            meters.counter("lifeboat.filesync.files.mirrored", "link", link.linkId()).increment();
            durations.computeIfAbsent(link.linkId(), id -> Timer.builder("lifeboat.filesync.mirror.duration")
                    .tag("link", id).publishPercentiles(0.5, 0.95, 0.99).register(meters))
                    .record(Duration.ofMillis(durationMs));
            activity.mirrored(key, decision);
            outbox.publish(EventTypes.FILE_MIRRORED, new FileMirrored(link.linkId(), link.sourceSite(),
                    link.targetSite(), link.target().bucket(), key, outcome.size(), outcome.sha256(),
                    outcome.originSite(), durationMs, now));
        } else {
            activity.settled(key, decision);
        }
        if (outcome.kind().isConflict()) {
            meters.counter("lifeboat.filesync.conflicts", "link", link.linkId()).increment();
            LOG.warnf("%s %s: conflict settled (%s, via %s): %s", link.linkId(), key, outcome.kind(), trigger,
                    outcome.reason());
            alerts.raise("FILE_CONFLICT", link.target().bucket() + "/" + key, Severity.WARNING,
                    link.targetSite(), outcome.reason(), Map.of("link", link.linkId(), "key", key));
        } else if (wrote) {
            LOG.infof("%s %s: %s in %d ms (via %s, %d ms after the change)", link.linkId(), key, outcome.reason(),
                    durationMs, trigger, Duration.between(arrivedAt, now).toMillis());
        } else if (outcome.kind() == Kind.ECHO || outcome.kind() == Kind.EXCLUDED) {
            LOG.debugf("%s %s: skipped as %s: %s", link.linkId(), key, outcome.kind(), outcome.reason());
        } else {
            LOG.infof("%s %s: skipped as %s (via %s): %s", link.linkId(), key, outcome.kind(), trigger,
                    outcome.reason());
        }
        if (activity.state() == LinkState.STALLED && activity.failedFiles() == 0) {
            changeState(activity, LinkState.STREAMING, "every file that had given up is mirrored now");
            alerts.resolve("MIRROR_FAILED", link.linkId(), link.targetSite(),
                    "every file that had given up is mirrored now");
        }
    }

    private void giveUp(BucketLink link, LinkActivity activity, String key, long size, Instant arrivedAt,
            int attempts, String reason) {
        String why = "gave up after " + attempts + " attempts: " + reason + "; reconciliation will retry";
        LOG.errorf("%s %s: %s", link.linkId(), key, why);
        meters.counter("lifeboat.filesync.failures", "link", link.linkId()).increment();
        activity.failed(key, size, arrivedAt, new Decision(Instant.now(), key, "FAILED", why));
        outbox.publish(EventTypes.FILE_MIRROR_FAILED, new FileMirrorFailed(link.linkId(), link.sourceSite(),
                link.targetSite(), link.source().bucket(), key, attempts, reason, Instant.now()));
        alerts.raise("MIRROR_FAILED", link.linkId(), Severity.CRITICAL, link.targetSite(),
                activity.failedFiles() + " file(s) could not be mirrored from " + link.sourceSite() + " to "
                        + link.targetSite() + "; latest '" + key + "': " + reason,
                Map.of("link", link.linkId()));
        if (activity.state() != LinkState.STALLED) {
            changeState(activity, LinkState.STALLED, "'" + key + "' " + why);
        }
    }

    private void changeState(LinkActivity activity, LinkState next, String reason) {
        LinkState previous = activity.state(next);
        BucketLink link = activity.link();
        LOG.infof("%s: %s -> %s: %s", link.linkId(), previous, next, reason);
        outbox.publish(EventTypes.LINK_STATE_CHANGED, new LinkStateChanged(link.linkId(), LinkKind.FILES,
                link.sourceSite(), link.targetSite(), previous, next, reason, activity.lastMirroredKey(),
                Instant.now()));
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        // The SDK appends request ids and service details on further lines; the first says what happened.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    public MirrorWorker worker() {
        return worker;
    }

    public MirrorRules rules() {
        return worker.rules();
    }
}
