package io.lifeboat.filesync.health;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lifeboat.events.service.ServiceIdentity;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.store.s3.Listed;
import io.lifeboat.filesync.store.s3.S3Failure;
import io.lifeboat.filesync.store.s3.WriteCondition;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Warms the copy path at start-up, before the service reports ready, so that the first files after a start are not
 * the slowest by seconds (measured: the first dozen 1 MB copies after a start took 2 s each, the next ones 40 ms):
 * the checksum code (SHA-256 and MD5 run interpreted until compiled) and the PUT, GET and DELETE paths of both ends of
 * each link, on a scratch key under {@link SiteBucket#RESERVED_PREFIX} that is written, read and removed again (never
 * mirrored, never announced). Best effort and bounded: readiness waits at most {@link #LIMIT} for it, and a store that
 * does not answer is skipped (riding out a store that is away is filesync's normal business).
 * {@code lifeboat.filesync.warmup=false} turns it off.
 */
@Readiness
@ApplicationScoped
public class Warmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(Warmup.class);
    static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int ROUNDS = 3;
    static final Duration STALE_SCRATCH = Duration.ofHours(1);

    private final Sites sites;
    private final boolean enabled;
    private final String probeKey;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long startedAt;

    Warmup(Sites sites, ServiceIdentity identity, FilesyncConfig config) {
        this.sites = sites;
        this.enabled = config.warmup();
        this.probeKey = SiteBucket.RESERVED_PREFIX + identity.instanceId().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    void onStart(@Observes StartupEvent start) {
        startedAt = System.nanoTime();
        if (!enabled) {
            done.countDown();
            return;
        }
        Thread thread = new Thread(this::run, "filesync-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long begin = System.nanoTime();
        try {
            byte[] content = new byte[256 * 1024];
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (int i = 0; i < 64; i++) {
                sha256.update(content);
                md5.update(content);
            }
            sha256.digest();
            md5.digest();
            for (SiteBucket bucket : sites.buckets()) {
                warm(bucket, content);
                removeStaleScratch(bucket, Instant.now().minus(STALE_SCRATCH));
            }
            LOG.infof("copy path warmed in %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            LOG.infof("warm-up cut short: %s", e.getMessage());
        } finally {
            done.countDown();
        }
    }

    private void warm(SiteBucket bucket, byte[] content) {
        try {
            for (int i = 0; i < ROUNDS; i++) {
                bucket.put(probeKey, Map.of("lifeboat-purpose", "warm-up"), "application/octet-stream", null,
                        content.length, new java.io.ByteArrayInputStream(content));
                bucket.get(probeKey).ifPresent(in -> {
                    try (in) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (java.io.IOException e) {
                        in.abort();
                    }
                });
                bucket.head(probeKey);
            }
            checkConditionalWrites(bucket);
        } catch (RuntimeException e) {
            LOG.debugf("warm-up of %s skipped: %s", bucket, e.getMessage());
        } finally {
            try {
                bucket.delete(probeKey);
            } catch (RuntimeException e) {
                LOG.debugf("warm-up key %s at %s not removed: %s", probeKey, bucket, e.getMessage());
            }
        }
    }

    /** What a store does with a conditional write, as the warm-up found it. */
    enum ConditionalWrites {
        /** It refused a write whose condition failed: mirror copies cannot overwrite what they did not see. */
        TAKEN,
        /** It wrote although the condition failed: a copy can overwrite a file written there after its look. */
        IGNORED,
        /** It failed otherwise (away, denied): nothing known. */
        UNKNOWN
    }

    /**
     * Every copy is written on a condition ({@link WriteCondition}): a store that ignores them leaves a window in
     * which a file written at that site while a copy of the same key is on its way is overwritten. Said once, at
     * start, by writing the probe key (there now) again "only if absent".
     */
    private void checkConditionalWrites(SiteBucket bucket) {
        switch (conditionalWrites(bucket, probeKey)) {
            case IGNORED -> LOG.warnf("the store of %s ignores conditional writes (If-None-Match): a file written"
                    + " there while a mirror copy of the same key is on its way can be overwritten by the copy. AWS S3,"
                    + " MinIO and Ceph take them", bucket);
            case UNKNOWN, TAKEN -> {
            }
        }
    }

    /** @param presentKey a key that exists at {@code bucket} now (rewritten, empty, when the store ignores the check) */
    static ConditionalWrites conditionalWrites(SiteBucket bucket, String presentKey) {
        try {
            bucket.put(presentKey, Map.of("lifeboat-purpose", "warm-up"), "application/octet-stream", null, 0,
                    java.io.InputStream.nullInputStream(), WriteCondition.absent());
            return ConditionalWrites.IGNORED;
        } catch (S3Failure refused) {
            if (refused.targetChanged()) {
                return ConditionalWrites.TAKEN;
            }
            LOG.debugf("conditional writes at %s not checked: %s", bucket, refused.getMessage());
            return ConditionalWrites.UNKNOWN;
        } catch (RuntimeException away) {
            LOG.debugf("conditional writes at %s not checked: %s", bucket, away.getMessage());
            return ConditionalWrites.UNKNOWN;
        }
    }

    /**
     * A large copy goes through a scratch key that is removed right after; a crash in between leaves it behind (never
     * mirrored, but it takes room). Those older than {@link #STALE_SCRATCH} (no copy takes that long) are removed at
     * start.
     */
    static int removeStaleScratch(SiteBucket bucket, Instant before) {
        int removed = 0;
        try {
            String start = SiteBucket.SCRATCH_PREFIX.substring(0, SiteBucket.SCRATCH_PREFIX.length() - 1);
            for (Listed listed : bucket.list(start, 100)) {
                if (!listed.key().startsWith(SiteBucket.SCRATCH_PREFIX)) {
                    if (listed.key().compareTo(SiteBucket.SCRATCH_PREFIX) < 0) {
                        continue; // e.g. ".lifeboat-scratch.x" sorts between
                    }
                    break;
                }
                if (listed.lastModified() != null && listed.lastModified().isBefore(before)) {
                    bucket.delete(listed.key());
                    removed++;
                }
            }
            if (removed > 0) {
                LOG.infof("removed %d scratch key(s) left at %s by an interrupted copy", removed, bucket);
            }
        } catch (RuntimeException e) {
            LOG.debugf("scratch keys at %s not checked: %s", bucket, e.getMessage());
        }
        return removed;
    }

    @Override
    public HealthCheckResponse call() {
        boolean warm = done.getCount() == 0 || (startedAt != 0 && System.nanoTime() - startedAt > LIMIT.toNanos());
        return HealthCheckResponse.named("copy-path-warm").status(warm).build();
    }
}
