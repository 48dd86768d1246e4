package io.lifeboat.filesync.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Everything filesync-service is told, under {@code lifeboat.filesync}. Every key has an environment form
 * ({@code lifeboat.filesync.sites.home.bucket} → {@code LIFEBOAT_FILESYNC_SITES_HOME_BUCKET}); the site credentials
 * default to the names the Kubernetes manifests use ({@code LIFEBOAT_HOME_S3_ACCESS_KEY}, ...), see
 * application.properties. The README lists every key.
 */
@ConfigMapping(prefix = "lifeboat.filesync")
public interface FilesyncConfig {

    /** One entry per site id ({@code home}, {@code offsite}): its bucket. Every ordered pair of sites is a link. */
    Map<String, SiteBucketConfig> sites();

    Mirror mirror();

    Scanner scanner();

    Reconcile reconcile();

    Lag lag();

    /** Whether start-up warms the copy path (a scratch key written, read and removed at each store) before ready. */
    @WithDefault("true")
    boolean warmup();

    interface SiteBucketConfig {
        /** S3 endpoint URL; required (checked by {@link ConfigCheck}, which names the key). */
        Optional<String> endpoint();

        @WithDefault("us-east-1")
        String region();

        @WithName("access-key")
        Optional<String> accessKey();

        @WithName("secret-key")
        Optional<String> secretKey();

        /**
         * The session token of temporary credentials (STS), with the access and secret key they came with: sent and
         * signed on every request as {@code x-amz-security-token}.
         */
        @WithName("session-token")
        Optional<String> sessionToken();

        /** PEM CA bundle the store's HTTPS certificate must chain to (a private CA); the JVM's trust store without. */
        @WithName("ca-file")
        Optional<java.nio.file.Path> caFile();

        Optional<String> bucket();

        /** Path-style addressing (http://host/bucket/key): what MinIO and S3Proxy expect. */
        @WithName("path-style")
        @WithDefault("true")
        boolean pathStyle();

        /** Only keys under one of these prefixes are mirrored; none: every key. */
        @WithName("include-prefixes")
        Optional<List<String>> includePrefixes();

        /** Keys under any of these prefixes are never mirrored (wins over include). */
        @WithName("exclude-prefixes")
        Optional<List<String>> excludePrefixes();

        /** How arrivals are seen: the store's bucket notifications on a Kafka topic, or the scanner. */
        @WithDefault("notifications")
        ArrivalSource arrivals();

        /** The Kafka topic this site's store publishes its bucket notifications to (MinIO's Kafka target). */
        @WithName("notification-topic")
        Optional<String> notificationTopic();
    }

    enum ArrivalSource {
        NOTIFICATIONS, SCANNER
    }

    interface Mirror {
        /** Copies in parallel (the worker pool of the lifeboat.files consumer, see application.properties). */
        @WithDefault("16")
        int workers();

        /**
         * Files above this size are copied as multipart uploads. High, as rclone's 200 MiB upload cutoff: stores on a
         * filesystem (S3Proxy, MinIO) assemble a multipart object by writing all of it once more on completion, while
         * a single PUT streams through in bounded memory just the same.
         */
        @WithName("multipart-threshold")
        @WithDefault("200M")
        io.quarkus.runtime.configuration.MemorySize multipartThreshold();

        /** Size of each part; the S3 minimum is 5 MiB. Memory use does not depend on it (parts are streamed). */
        @WithName("part-size")
        @WithDefault("16M")
        io.quarkus.runtime.configuration.MemorySize partSize();

        /**
         * Heap that whole files may take while copied, together: a file up to a quarter of it is read once into
         * memory (hashed as it comes) instead of streamed and read twice; beyond, or while it is full, files stream.
         * 16M fits the pod's 64 MiB heap (its 256Mi limit); more only with a larger heap.
         */
        @WithName("memory-buffer")
        @WithDefault("16M")
        io.quarkus.runtime.configuration.MemorySize memoryBuffer();

        /**
         * Local directory a native file too large for memory passes through once (read from the source while hashed,
         * then uploaded with its checksum), so the target store writes it once. Files are unlinked at creation:
         * nothing is left behind, even by a crash. In the pod: an emptyDir of its own.
         */
        @WithName("spool-dir")
        @WithDefault("${java.io.tmpdir}")
        java.nio.file.Path spoolDir();

        /**
         * Bytes spooled at once, together (0: no spool). A file that finds no room is uploaded under a scratch key of
         * the target and copied by the store under its final key, which costs the store a second write.
         */
        @WithName("spool-size")
        @WithDefault("1G")
        io.quarkus.runtime.configuration.MemorySize spoolSize();

        /** Attempts per file before giving up (an alert and file.mirror-failed; reconciliation retries later). */
        @WithName("max-attempts")
        @WithDefault("5")
        int maxAttempts();

        @WithName("first-backoff")
        @WithDefault("500ms")
        Duration firstBackoff();

        @WithName("max-backoff")
        @WithDefault("10s")
        Duration maxBackoff();

        /** Where the losing version of a conflicting write is kept, at both sites. */
        @WithName("conflict-prefix")
        @WithDefault(".lifeboat-conflicts/")
        String conflictPrefix();

        /** Whether a removal at one site removes the other site's copy (off: see the README for why). */
        @WithName("propagate-deletes")
        @WithDefault("false")
        boolean propagateDeletes();

        /**
         * Idle connections kept open per store for the next request (the JDK's {@code http.maxConnections}, unless
         * set on the command line). Requests in flight are bounded by the workers, not by this.
         */
        @WithName("max-connections")
        @WithDefault("32")
        int maxConnections();

        @WithName("request-timeout")
        @WithDefault("30s")
        Duration requestTimeout();
    }

    interface Scanner {
        /** Pause between two listing passes of a scanned site. */
        @WithDefault("10s")
        Duration interval();

        @WithName("page-size")
        @WithDefault("1000")
        int pageSize();

        /** Compacted topic holding what the scanner has seen and how far its current pass got. */
        @WithName("state-topic")
        @WithDefault("lifeboat.filesync.scanner-state")
        String stateTopic();
    }

    interface Reconcile {
        /** Full comparison of every link's listings this often (and at start-up, and on POST /reconcile). */
        @WithDefault("15m")
        Duration interval();

        /** While a link has files that gave up, reconcile it this often instead (a store back from an outage). */
        @WithName("retry-interval")
        @WithDefault("30s")
        Duration retryInterval();

        @WithName("on-start")
        @WithDefault("true")
        boolean onStart();

        /** Files compared and repaired in parallel per link. */
        @WithDefault("4")
        int parallelism();
    }

    interface Lag {
        @WithDefault("1s")
        Duration interval();
    }
}
