package io.lifeboat.filesync.mirror;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.ObjectStream;
import io.lifeboat.filesync.store.s3.S3Http;

/**
 * Mirrors one key over one link, deciding from what both stores hold now (never from what an event said): skip as
 * echo, skip as identical, copy, or settle a conflict. Plain code over two {@link SiteBucket}s, no framework: the
 * caller ({@link MirrorService}) serialises work per key, retries and reports.
 *
 * <p>A new file (nothing at the target yet, the common case) costs three requests: a HEAD at the target, one GET of
 * the source (whose answer also describes it: origin, ETag, time) and one PUT. The SHA-256 is stored as metadata on
 * the copy, and the metadata of an S3 object is fixed when its upload starts, so the content must be hashed before the
 * upload: a file up to a quarter of the memory buffer ({@code mirror.memory-buffer}) is read once into memory while
 * hashed (the buffer bounds the total, and a file that finds no room takes the streaming way) and sent; up to 2 MiB
 * with its Content-MD5 (the store refuses a body that does not match) and verified by the ETag the store answers (the
 * MD5 of what it stored), above by a HEAD (size and checksum metadata). Larger files stream: the source is read in
 * 64 KiB pieces straight into the upload, one part at a time above the multipart threshold, so memory does not grow
 * with the file. One that carries its checksum already is uploaded under its key while the hash is checked; a native
 * one (no checksum yet) is read once into the local {@link Spool} while hashed and uploaded from there; one that
 * finds no room in the spool is uploaded under a scratch key of the target while hashed, then copied by the store
 * under its final key with the checksum in its metadata (CopyObject), verified by a HEAD, and the scratch key removed
 * (above 5 GiB, what one CopyObject takes, it is read twice: once to hash, once to copy). A copy that does not
 * match is never completed, so the final key only ever holds verified content (a single PUT and a CopyObject are
 * atomic; a multipart upload becomes visible only when completed).
 */
public final class MirrorWorker {

    private static final DateTimeFormatter CONFLICT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int BUFFER = 64 * 1024;
    private static final int MD5_LIMIT = 2 * 1024 * 1024;
    /** The largest object one CopyObject takes (S3's limit). */
    static final long COPY_OBJECT_LIMIT = 5L * 1024 * 1024 * 1024;

    /** The default of {@code lifeboat.filesync.mirror.memory-buffer}. */
    public static final long DEFAULT_MEMORY_BUFFER = 16 * 1024 * 1024;

    private final long multipartThreshold;
    private final long partSize;
    private final String conflictPrefix;
    /** Bytes of heap that whole files being copied may take together; a file larger than a quarter streams. */
    private final Semaphore memory;
    private final long inMemoryLimit;
    private final Spool spool;

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix) {
        this(multipartThreshold, partSize, conflictPrefix, DEFAULT_MEMORY_BUFFER, Spool.off());
    }

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix, long memoryBuffer,
            Spool spool) {
        this.spool = spool;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.conflictPrefix = conflictPrefix;
        int budget = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, memoryBuffer));
        this.memory = new Semaphore(budget);
        this.inMemoryLimit = Math.min(multipartThreshold, budget / 4);
    }

    public MirrorOutcome mirror(BucketLink link, String key) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        Optional<String> excluded = from.whyNotMirrored(key).or(() -> to.whyNotMirrored(key));
        if (excluded.isPresent()) {
            return new MirrorOutcome(Kind.EXCLUDED, excluded.get(), 0, 0, null, null);
        }
        Optional<StoredObject> existing = to.head(key);
        if (existing.isEmpty()) {
            return copyNew(from, to, key);
        }
        Optional<StoredObject> found = from.head(key);
        if (found.isEmpty()) {
            return new MirrorOutcome(Kind.SOURCE_GONE, "no longer at " + from.siteId()
                    + " (removed since it arrived); nothing to copy", 0, 0, null, null);
        }
        StoredObject source = found.get();
        if (!source.originSite().equals(from.siteId())) {
            return outcome(Kind.ECHO, source, null, 0, "a copy of " + source.originSite() + "'s file (origin "
                    + source.originSite() + "): the link from " + source.originSite() + " carries it, copying it on "
                    + "would echo");
        }
        StoredObject target = existing.get();
        if (sameByMetadata(source, target)) {
            return outcome(Kind.IDENTICAL, source, source.sha256().or(target::sha256).orElse(null), 0,
                    to.siteId() + " already holds this version (same size and "
                            + (source.sha256().isPresent() && target.sha256().isPresent() ? "SHA-256" : "source ETag")
                            + "); not copied again");
        }
        String sourceSha = source.sha256().orElseGet(() -> hash(from, source));
        if (source.size() == target.size() && sourceSha.equals(target.sha256().orElseGet(() -> hash(to, target)))) {
            return outcome(Kind.IDENTICAL, source, sourceSha, 0, to.siteId()
                    + " already holds the same content (same size and SHA-256); not copied again");
        }
        if (target.originSite().equals(source.originSite())) {
            if (target.originTime().isAfter(source.originTime())) {
                return outcome(Kind.STALE, source, sourceSha, 0, to.siteId() + " holds a newer version from "
                        + source.originSite() + " (written " + target.originTime() + ", this one "
                        + source.originTime() + "); an older version never replaces a newer one");
            }
            Copied copied = copy(from, source, sourceSha, to, key);
            return outcome(Kind.COPIED, source, sourceSha, copied.bytes, "replaced " + to.siteId()
                    + "'s older copy (from " + target.originTime() + ") with the version of " + source.originTime()
                    + ", verified");
        }
        return settleConflict(link, key, source, sourceSha, target);
    }

    /**
     * Nothing at the target: one GET of the source tells what it is (origin, ETag, size, time) and brings its content.
     * The decisions are the same as with a HEAD first: an echo is left alone, anything else is copied.
     */
    private MirrorOutcome copyNew(SiteBucket from, SiteBucket to, String key) {
        Optional<ObjectStream> opened = from.get(key);
        if (opened.isEmpty()) {
            return new MirrorOutcome(Kind.SOURCE_GONE, "no longer at " + from.siteId()
                    + " (removed since it arrived); nothing to copy", 0, 0, null, null);
        }
        ObjectStream in = opened.get();
        boolean readThrough = false;
        try {
            StoredObject source = from.describe(key, in.info());
            if (!source.originSite().equals(from.siteId())) {
                return outcome(Kind.ECHO, source, null, 0, "a copy of " + source.originSite() + "'s file (origin "
                        + source.originSite() + "): the link from " + source.originSite() + " carries it, copying "
                        + "it on would echo");
            }
            Copied copied;
            Optional<Spool.SpooledFile> spooled;
            int reserved = source.size() <= inMemoryLimit && memory.tryAcquire((int) source.size())
                    ? (int) source.size() : -1;
            if (reserved >= 0) {
                try {
                    copied = copyInMemory(in, from, source, to, key);
                } finally {
                    memory.release(reserved);
                }
            } else if (source.sha256().isPresent()) {
                // Its checksum is known: one pass, checked as it goes.
                copied = upload(in, from, source, source.sha256().get(), to, key);
            } else if ((spooled = spool.reserve(source.size())).isPresent()) {
                copied = spoolThenUpload(in, from, source, to, key, spooled.get());
            } else if (source.size() <= COPY_OBJECT_LIMIT) {
                // Too large to hold: read once, uploaded to a scratch key while hashed, then copied by the store
                // under its final key with its checksum.
                copied = uploadOnceThenCopy(in, from, source, to, key);
            } else {
                // Over what one server-side copy takes: this read hashes it, a second one (same version) copies it.
                String sha256 = hashOf(in, from, source);
                copied = copy(from, source, sha256, to, key);
            }
            readThrough = true;
            return outcome(Kind.COPIED, source, copied.sha256, copied.bytes, "copied to " + to.siteId()
                    + " and verified (" + source.size() + " bytes, SHA-256 " + abbreviated(copied.sha256) + ")");
        } finally {
            closeOrAbort(in, readThrough);
        }
    }

    /**
     * A native file too large for memory, read once from the source into the {@link Spool} while hashed, then
     * uploaded from there with its checksum. The local round trip is checked with a CRC32C taken on the way in,
     * before the last byte is sent: hashing the content a second time would prove nothing more about it.
     */
    private Copied spoolThenUpload(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to,
            String toKey, Spool.SpooledFile spooled) {
        try (spooled) {
            VerifyingInputStream in = new VerifyingInputStream(raw, source.size(), null);
            VerifyingInputStream.Fingerprint written = VerifyingInputStream.crc32cFingerprint();
            OutputStream out = spooled.writer();
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                written.update().bytes(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            return send(new VerifyingInputStream(spooled.reader(), source.size(), written.hex().get(),
                    VerifyingInputStream.crc32cFingerprint()), from, source, in.hex(), to, toKey);
        } catch (IOException e) {
            throw new UncheckedIOException("spooling " + from.siteId() + ":" + source.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A native file too large for memory and for the spool, read once: its metadata must carry its SHA-256, and the metadata of an S3
     * object is fixed when its upload starts, so it is uploaded under a scratch key of the target ({@link
     * SiteBucket#SCRATCH_PREFIX}: never mirrored) while hashed, then copied by the store itself (CopyObject, metadata
     * replaced: origin, source ETag, SHA-256) under its final key, which so only ever shows the whole, hashed content,
     * verified by a HEAD; the scratch key is removed in every case (one left by a crash is never mirrored).
     */
    private Copied uploadOnceThenCopy(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to,
            String toKey) {
        String scratch = SiteBucket.SCRATCH_PREFIX + UUID.randomUUID();
        String contentType = contentType(source);
        try {
            String sha256;
            try (VerifyingInputStream in = new VerifyingInputStream(raw, source.size(), null)) {
                if (source.size() <= multipartThreshold) {
                    to.s3().put(to.bucket(), scratch, Map.of(), contentType, null, source.size(), in);
                } else {
                    uploadInParts(in, source, to, scratch, Map.of());
                }
                if (in.read() >= 0) {
                    throw new IOException("source is longer than the " + source.size() + " bytes it announced");
                }
                sha256 = in.hex();
            } catch (IOException e) {
                throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                        + ":" + scratch + " failed: " + e.getMessage(), e);
            }
            to.s3().copy(to.bucket(), scratch, toKey, copyMetadata(source, sha256), contentType);
            verify(to, toKey, source.size(), sha256);
            return new Copied(sha256, source.size());
        } finally {
            try {
                to.s3().delete(to.bucket(), scratch);
            } catch (RuntimeException e) {
                // The store may be why we are here; a scratch key is never mirrored.
            }
        }
    }

    /** Reads the whole (small) file once, hashing it, and sends it with its MD5 for the store to check. */
    private Copied copyInMemory(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey) {
        int size = (int) source.size();
        byte[] content = new byte[size];
        String sha256;
        try (VerifyingInputStream in = new VerifyingInputStream(raw, size, source.sha256().orElse(null))) {
            int read = 0;
            while (read < size) {
                int n = in.read(content, read, size - read);
                if (n < 0) {
                    break; // the verifying stream has thrown: shorter than announced
                }
                read += n;
            }
            if (in.read() >= 0) {
                throw new IOException("source is longer than the " + size + " bytes it announced");
            }
            sha256 = in.hex();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + from.siteId() + ":" + source.key() + " failed: "
                    + e.getMessage(), e);
        }
        // Up to MD5_LIMIT, the store checks the body against its MD5 and answers it as the ETag, which proves what it
        // stored; above, hashing MD5 too costs more than asking (MD5 runs at a third of SHA-256's speed here).
        byte[] md5 = size <= MD5_LIMIT ? md5(content) : null;
        Map<String, String> metadata = copyMetadata(source, sha256);
        String contentType = contentType(source);
        String etag = to.s3().put(to.bucket(), toKey, metadata, contentType,
                md5 == null ? null : Base64.getEncoder().encodeToString(md5), size, new ByteArrayInputStream(content));
        if (md5 == null || !etag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
            // Larger, or a store whose ETag is not the content's MD5 (encryption, some gateways): check by a HEAD.
            verify(to, toKey, size, sha256);
        }
        return new Copied(sha256, size);
    }

    private static String hashOf(InputStream raw, SiteBucket from, StoredObject source) {
        VerifyingInputStream in = new VerifyingInputStream(raw, source.size(), null);
        try {
            byte[] buffer = new byte[BUFFER];
            while (in.read(buffer, 0, buffer.length) >= 0) {
                // hashing
            }
            return in.hex();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + from.siteId() + ":" + source.key() + " for its checksum "
                    + "failed: " + e.getMessage(), e);
        }
    }

    /** Returns the connection to the pool when the body was read through; drops it rather than read the rest. */
    private static void closeOrAbort(ObjectStream in, boolean readThrough) {
        try {
            if (!readThrough) {
                in.abort();
            }
            in.close();
        } catch (IOException | RuntimeException e) {
            // nothing more to get from it
        }
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    /**
     * Both sites wrote the key independently before either copy landed. One rule, the same from both sides, so the
     * two links agree without talking: the newer write (origin time) wins; on a tie the smaller site id. The loser is
     * kept at both sites under {@code <conflict prefix><origin site>/<origin time>/<key>}, a name both links compute
     * alike, so that no version is ever lost.
     */
    private MirrorOutcome settleConflict(BucketLink link, String key, StoredObject source, String sourceSha,
            StoredObject target) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        Comparator<StoredObject> newerWins = Comparator.comparing(StoredObject::originTime)
                .thenComparing(StoredObject::originSite, Comparator.reverseOrder());
        boolean sourceWins = newerWins.compare(source, target) > 0;
        String rule = "both sites wrote '" + key + "' independently (" + source.originSite() + " at "
                + source.originTime() + ", " + target.originSite() + " at " + target.originTime()
                + "); the newer write wins";
        if (sourceWins) {
            String kept = conflictKey(target);
            copy(to, target, to, kept);
            Copied copied = copy(from, source, sourceSha, to, key);
            return outcome(Kind.CONFLICT_SOURCE_WON, source, sourceSha, copied.bytes, rule + ": "
                    + source.originSite() + "'s version is now at " + to.siteId() + ", " + target.originSite()
                    + "'s is kept as '" + kept + "'");
        }
        String kept = conflictKey(source);
        Copied copied = copy(from, source, sourceSha, to, kept);
        return outcome(Kind.CONFLICT_SOURCE_LOST, source, sourceSha, copied.bytes, rule + ": "
                + target.originSite() + "'s version stays, " + source.originSite() + "'s is kept at "
                + to.siteId() + " as '" + kept + "'");
    }

    public String conflictKey(StoredObject loser) {
        return conflictPrefix + loser.originSite() + "/" + CONFLICT_TIME.format(loser.originTime()) + "/"
                + loser.key();
    }

    /** Whether Lifeboat's own metadata proves the target holds the source's content, without reading either. */
    private static boolean sameByMetadata(StoredObject source, StoredObject target) {
        if (source.size() != target.size()) {
            return false;
        }
        if (source.sha256().isPresent() && target.sha256().isPresent()) {
            return source.sha256().get().equals(target.sha256().get());
        }
        return target.originSite().equals(source.originSite())
                && target.sourceEtag().filter(source.etag()::equals).isPresent();
    }

    private Copied copy(SiteBucket from, StoredObject source, SiteBucket to, String toKey) {
        return copy(from, source, source.sha256().orElseGet(() -> hash(from, source)), to, toKey);
    }

    private Copied copy(SiteBucket from, StoredObject source, String sha256, SiteBucket to, String toKey) {
        try (InputStream raw = from.open(source.key(), source.etag())) {
            return upload(raw, from, source, sha256, to, toKey);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + from.siteId() + ":" + source.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, String> copyMetadata(StoredObject source, String sha256) {
        Map<String, String> metadata = new HashMap<>(source.metadata());
        metadata.put(LifeboatMetadata.ORIGIN_SITE, source.originSite());
        metadata.put(LifeboatMetadata.ORIGIN_TIME, source.originTime().toString());
        metadata.put(LifeboatMetadata.SOURCE_ETAG, source.etag());
        metadata.put(LifeboatMetadata.SHA256, sha256);
        return metadata;
    }

    /** Streams {@code raw} (the source's content) to the target, checking size and SHA-256 before the last byte. */
    private Copied upload(InputStream raw, SiteBucket from, StoredObject source, String sha256, SiteBucket to,
            String toKey) {
        return send(new VerifyingInputStream(raw, source.size(), sha256), from, source, sha256, to, toKey);
    }

    /** Sends content that {@code in} checks as it goes, in one PUT or in parts; then verifies what the target holds. */
    private Copied send(VerifyingInputStream checked, SiteBucket from, StoredObject source, String sha256,
            SiteBucket to, String toKey) {
        Map<String, String> metadata = copyMetadata(source, sha256);
        try (VerifyingInputStream in = checked) {
            if (source.size() <= multipartThreshold) {
                to.s3().put(to.bucket(), toKey, metadata, contentType(source), null, source.size(), in);
            } else {
                uploadInParts(in, source, to, toKey, metadata);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                    + ":" + toKey + " failed: " + e.getMessage(), e);
        }
        verify(to, toKey, source.size(), sha256);
        return new Copied(sha256, source.size());
    }

    private void uploadInParts(VerifyingInputStream in, StoredObject source, SiteBucket to, String toKey,
            Map<String, String> metadata) {
        S3Http s3 = to.s3();
        String uploadId = s3.createMultipartUpload(to.bucket(), toKey, metadata, contentType(source));
        boolean completed = false;
        try {
            List<String> partEtags = new ArrayList<>();
            long remaining = source.size();
            for (int number = 1; remaining > 0; number++) {
                long length = Math.min(partSize, remaining);
                partEtags.add(s3.uploadPart(to.bucket(), toKey, uploadId, number, length,
                        new BoundedInputStream(in, length)));
                remaining -= length;
            }
            // The verifying stream has checked size and SHA-256 with the last byte of the last part.
            s3.completeMultipartUpload(to.bucket(), toKey, uploadId, partEtags);
            completed = true;
        } finally {
            if (!completed) {
                abortQuietly(s3, to.bucket(), toKey, uploadId);
            }
        }
    }

    private static void abortQuietly(S3Http s3, String bucket, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(bucket, key, uploadId);
        } catch (RuntimeException e) {
            // The store may be the reason we are here; an unfinished upload is invisible, and stores expire them.
        }
    }

    private static void verify(SiteBucket to, String key, long size, String sha256) {
        StoredObject written = to.head(key).orElseThrow(() -> new IllegalStateException(
                "verification failed: " + to.siteId() + ":" + key + " is missing right after it was written"));
        if (written.size() != size) {
            throw new IllegalStateException("verification failed: " + to.siteId() + ":" + key + " holds "
                    + written.size() + " bytes, expected " + size);
        }
        if (!written.sha256().map(sha256::equals).orElse(false)) {
            throw new IllegalStateException("verification failed: " + to.siteId() + ":" + key
                    + " does not carry the SHA-256 it was written with");
        }
    }

    /** Reads one version of an object through, for its SHA-256 (a native upload carries none). */
    static String hash(SiteBucket bucket, StoredObject object) {
        try (InputStream raw = bucket.open(object.key(), object.etag())) {
            return hashOf(raw, bucket, object);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + bucket.siteId() + ":" + object.key() + " for its checksum "
                    + "failed: " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern CHARSET =
            java.util.regex.Pattern.compile("(?i)(charset=)([^;\\s]+)");

    /**
     * The source's content type, its charset name in upper case (charset names are case-insensitive): S3Proxy's Jetty
     * rewrites some lower-case forms such as "text/plain; charset=utf-8" (which its own HEAD returns) before checking
     * the request signature, and then refuses the PUT as forged.
     */
    static String contentType(StoredObject source) {
        if (source.contentType() == null || source.contentType().isBlank()) {
            return "application/octet-stream";
        }
        return CHARSET.matcher(source.contentType())
                .replaceAll(m -> m.group(1) + m.group(2).toUpperCase(java.util.Locale.ROOT));
    }

    private static MirrorOutcome outcome(Kind kind, StoredObject source, String sha256, long bytes, String reason) {
        return new MirrorOutcome(kind, reason, source.size(), bytes, sha256, source.originSite());
    }

    private static String abbreviated(String sha256) {
        return sha256.substring(0, 12) + "…";
    }

    private record Copied(String sha256, long bytes) {
    }
}
