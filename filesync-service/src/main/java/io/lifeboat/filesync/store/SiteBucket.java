package io.lifeboat.filesync.store;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.store.s3.Listed;
import io.lifeboat.filesync.store.s3.ObjectInfo;
import io.lifeboat.filesync.store.s3.ObjectStream;
import io.lifeboat.filesync.store.s3.S3Failure;
import io.lifeboat.filesync.store.s3.S3Http;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * One site's bucket, through the plain S3 API, and which of its keys Lifeboat mirrors: the only way to a store (nothing
 * outside {@code store} calls the S3 client). Thread-safe.
 */
public final class SiteBucket implements AutoCloseable {

    /** Lifeboat's own scratch keys (the start-up warm-up's probe): never mirrored, never reported. */
    public static final String RESERVED_PREFIX = ".lifeboat-warmup/";
    /**
     * Where a large new file is uploaded while it is hashed, before a server-side copy puts it under its final key with
     * its checksum: never mirrored, never reported, removed right after (see {@code ScratchKeyCopy}).
     */
    public static final String SCRATCH_PREFIX = ".lifeboat-scratch/";

    private final String siteId;
    private final String bucket;
    private final URI endpoint;
    private final S3Http s3;
    private final List<String> include;
    private final List<String> exclude;

    SiteBucket(String siteId, String bucket, URI endpoint, S3Http s3, List<String> include, List<String> exclude) {
        this.siteId = siteId;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.s3 = s3;
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    static SiteBucket of(String siteId, FilesyncConfig.SiteBucketConfig config, FilesyncConfig.Mirror mirror) {
        URI endpoint = URI.create(config.endpoint().orElseThrow());
        S3Http s3 = new S3Http(endpoint, config.region(), config.accessKey().orElseThrow(),
                config.secretKey().orElseThrow(), config.sessionToken(), config.pathStyle(),
                mirror.maxConnections(), mirror.requestTimeout(), config.caFile());
        return new SiteBucket(siteId, config.bucket().orElseThrow(), endpoint, s3,
                config.includePrefixes().orElse(List.of()), config.excludePrefixes().orElse(List.of()));
    }

    public static SiteBucket connect(String siteId, URI endpoint, String region, String accessKey, String secretKey,
            boolean pathStyle, String bucket, List<String> include, List<String> exclude, int maxConnections,
            Duration requestTimeout) {
        // Lifeboat retries whole copies with its own backoff; a streamed body cannot be replayed anyway.
        S3Http s3 = new S3Http(endpoint, region, accessKey, secretKey, pathStyle, maxConnections, requestTimeout);
        return new SiteBucket(siteId, bucket, endpoint, s3, include, exclude);
    }

    public String siteId() {
        return siteId;
    }

    public String bucket() {
        return bucket;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Whether Lifeboat mirrors this key: under an include prefix (if any are set) and under no exclude prefix. */
    public boolean mirrors(String key) {
        if (key.startsWith(RESERVED_PREFIX) || key.startsWith(SCRATCH_PREFIX)
                || exclude.stream().anyMatch(key::startsWith)) {
            return false;
        }
        return include.isEmpty() || include.stream().anyMatch(key::startsWith);
    }

    /** Why a key is not mirrored, for the log; empty when it is. */
    public Optional<String> whyNotMirrored(String key) {
        if (key.startsWith(RESERVED_PREFIX)) {
            return Optional.of("key is under Lifeboat's own scratch prefix '" + RESERVED_PREFIX + "'");
        }
        if (key.startsWith(SCRATCH_PREFIX)) {
            return Optional.of("key is under Lifeboat's own scratch prefix '" + SCRATCH_PREFIX + "'");
        }
        Optional<String> excluded = exclude.stream().filter(key::startsWith).findFirst();
        if (excluded.isPresent()) {
            return Optional.of("key is under the excluded prefix '" + excluded.get() + "' of site " + siteId);
        }
        if (!include.isEmpty() && include.stream().noneMatch(key::startsWith)) {
            return Optional.of("key is under none of the included prefixes " + include + " of site " + siteId);
        }
        return Optional.empty();
    }

    public Optional<StoredObject> head(String key) {
        return s3.head(bucket, key).map(info -> describe(key, info));
    }

    /**
     * The current version of an object, its description (size, ETag, time, metadata) with its content in one request;
     * empty if there is none. The caller closes the stream (or aborts it when it stops reading early).
     */
    public Optional<ObjectStream> get(String key) {
        return s3.get(bucket, key, null);
    }

    /** What a HEAD's or GET's answer tells about the version it describes. */
    public StoredObject describe(String key, ObjectInfo info) {
        return new StoredObject(siteId, key, info.size(), info.etag(), info.lastModified(), info.contentType(),
                info.metadata());
    }

    /**
     * The content of exactly the version described by {@code etag}: if the object was replaced meanwhile the store
     * answers 412 (or 404 when it is gone) and the caller starts over with a fresh HEAD.
     */
    public InputStream open(String key, String etag) {
        return s3.get(bucket, key, etag).orElseThrow(() -> new S3Failure("GET " + bucket + "/" + key, 404,
                "NoSuchKey", "removed since it was seen"));
    }

    /** Every object, in key order, page by page as the iteration goes (never the whole listing in memory). */
    public Iterable<Listed> list(String startAfter, int pageSize) {
        return s3.list(bucket, startAfter, pageSize);
    }

    public void delete(String key) {
        s3.delete(bucket, key);
    }

    /**
     * Writes {@code size} bytes of {@code content} under the key in one PUT (atomic: the key shows all or nothing).
     *
     * @param contentMd5 base64 MD5 for the store to check the body against, or null
     * @return the ETag the store answers
     */
    public String put(String key, Map<String, String> metadata, String contentType, String contentMd5, long size,
            InputStream content) {
        return put(key, metadata, contentType, contentMd5, size, content, WriteCondition.NONE);
    }

    /** The same, written only if {@code condition} still holds at the key ({@link S3Failure#targetChanged} if not). */
    public String put(String key, Map<String, String> metadata, String contentType, String contentMd5, long size,
            InputStream content, WriteCondition condition) {
        return s3.put(bucket, key, metadata, contentType, contentMd5, size, content, condition);
    }

    /**
     * Writes {@code size} bytes of {@code content} under the key in parts of {@code partSize}, one part read at a time
     * so that memory does not grow with the file. The key shows nothing until the upload is completed; on any failure
     * it is aborted, so nothing half-written is ever visible. The condition goes with the creation and the completion
     * (AWS S3 checks it at the completion) and is checked by a HEAD just before the completion too, for stores that
     * do not check it on multipart uploads (S3Proxy): there, a window of one request remains.
     */
    public void putInParts(String key, Map<String, String> metadata, String contentType, long size, long partSize,
            InputStream content, WriteCondition condition) {
        String uploadId = s3.createMultipartUpload(bucket, key, metadata, contentType, condition);
        boolean completed = false;
        try {
            List<String> partEtags = new ArrayList<>();
            long remaining = size;
            for (int number = 1; remaining > 0; number++) {
                long length = Math.min(partSize, remaining);
                partEtags.add(s3.uploadPart(bucket, key, uploadId, number, length,
                        new BoundedInputStream(content, length)));
                remaining -= length;
            }
            stillHolds(condition, key, "completing the upload of");
            s3.completeMultipartUpload(bucket, key, uploadId, partEtags, condition);
            completed = true;
        } finally {
            if (!completed) {
                abortQuietly(key, uploadId);
            }
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(bucket, key, uploadId);
        } catch (RuntimeException e) {
            // The store may be the reason we are here; an unfinished upload is invisible, and stores expire them.
        }
    }

    /**
     * The store copies one of its keys to another itself (CopyObject), the metadata replaced by {@code metadata}, only
     * if {@code condition} holds at {@code toKey}. Checked by a HEAD just before, and sent with the copy too: stores
     * that take conditions on CopyObject close the window between the two; one that ignores them there (S3Proxy)
     * leaves a window of one request.
     */
    public void copyWithin(String fromKey, String toKey, Map<String, String> metadata, String contentType,
            WriteCondition condition) {
        stillHolds(condition, toKey, "copy to");
        s3.copy(bucket, fromKey, toKey, metadata, contentType, condition);
    }

    /** Refuses as the store would (412) when the condition no longer holds at the key, by a HEAD. */
    private void stillHolds(WriteCondition condition, String key, String what) {
        if (condition.header() != null) {
            Optional<String> now = head(key).map(StoredObject::etag);
            if (!condition.heldBy(now)) {
                throw new S3Failure(what + " " + siteId + ":" + key, 412, "PreconditionFailed", "to be written "
                        + condition.words() + ", but it holds " + now.map(e -> "ETag " + e).orElse("nothing"));
            }
        }
    }

    /** Whether the store answers at all (any answer, even an error about the bucket, means it is up). */
    public boolean reachable() {
        try {
            s3.headBucket(bucket);
            return true;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    @Override
    public void close() {
        // Idle connections are the JDK's keep-alive cache's to close.
    }

    @Override
    public String toString() {
        return siteId + ":" + bucket;
    }
}
