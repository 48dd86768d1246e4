package io.lifeboat.filesync.mirror;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;

/**
 * How one file is copied once {@link MirrorWorker} has decided to copy it: the copy strategies (in memory with its
 * MD5, streamed with a known checksum, through the local spool, through a scratch key and a server-side copy, or read
 * twice above what one CopyObject takes), each verified before the final key shows anything. The memory buffer and
 * the spool are shared by every copy of the worker. See {@link MirrorWorker} for when each strategy is chosen.
 */
final class ObjectCopier {

    private static final int BUFFER = 64 * 1024;
    private static final int MD5_LIMIT = 2 * 1024 * 1024;
    /** The largest object one CopyObject takes (S3's limit). */
    static final long COPY_OBJECT_LIMIT = 5L * 1024 * 1024 * 1024;

    /** What a copy wrote: the content's SHA-256 and the bytes sent. */
    record Copied(String sha256, long bytes) {
    }

    private final long multipartThreshold;
    private final long partSize;
    /** Bytes of heap that whole files being copied may take together; a file larger than a quarter streams. */
    private final Semaphore memory;
    private final long inMemoryLimit;
    private final Spool spool;

    ObjectCopier(long multipartThreshold, long partSize, long memoryBuffer, Spool spool) {
        this.spool = spool;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        int budget = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, memoryBuffer));
        this.memory = new Semaphore(budget);
        this.inMemoryLimit = Math.min(multipartThreshold, budget / 4);
    }

    /** Copies a file whose content {@code in} (the source's answer to a GET) is bringing, by the fitting strategy. */
    Copied copyOpened(InputStream in, SiteBucket from, StoredObject source, SiteBucket to, String key) {
        Optional<Spool.SpooledFile> spooled;
        int reserved = source.size() <= inMemoryLimit && memory.tryAcquire((int) source.size())
                ? (int) source.size() : -1;
        if (reserved >= 0) {
            try {
                return copyInMemory(in, from, source, to, key);
            } finally {
                memory.release(reserved);
            }
        } else if (source.sha256().isPresent()) {
            // Its checksum is known: one pass, checked as it goes.
            return upload(in, from, source, source.sha256().get(), to, key);
        } else if ((spooled = spool.reserve(source.size())).isPresent()) {
            return spoolThenUpload(in, from, source, to, key, spooled.get());
        } else if (source.size() <= COPY_OBJECT_LIMIT) {
            // Too large to hold: read once, uploaded to a scratch key while hashed, then copied by the store
            // under its final key with its checksum.
            return uploadOnceThenCopy(in, from, source, to, key);
        } else {
            // Over what one server-side copy takes: this read hashes it, a second one (same version) copies it.
            String sha256 = hashOf(in, from, source);
            return copy(from, source, sha256, to, key);
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
                    to.put(scratch, Map.of(), contentType, null, source.size(), in);
                } else {
                    to.putInParts(scratch, Map.of(), contentType, source.size(), partSize, in);
                }
                if (in.read() >= 0) {
                    throw new IOException("source is longer than the " + source.size() + " bytes it announced");
                }
                sha256 = in.hex();
            } catch (IOException e) {
                throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                        + ":" + scratch + " failed: " + e.getMessage(), e);
            }
            to.copyWithin(scratch, toKey, copyMetadata(source, sha256), contentType);
            verify(to, toKey, source.size(), sha256);
            return new Copied(sha256, source.size());
        } finally {
            try {
                to.delete(scratch);
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
        String etag = to.put(toKey, metadata, contentType,
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

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    Copied copy(SiteBucket from, StoredObject source, SiteBucket to, String toKey) {
        return copy(from, source, source.sha256().orElseGet(() -> hash(from, source)), to, toKey);
    }

    Copied copy(SiteBucket from, StoredObject source, String sha256, SiteBucket to, String toKey) {
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
                to.put(toKey, metadata, contentType(source), null, source.size(), in);
            } else {
                // The verifying stream checks size and SHA-256 with the last byte of the last part, before the
                // upload is completed.
                to.putInParts(toKey, metadata, contentType(source), source.size(), partSize, in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                    + ":" + toKey + " failed: " + e.getMessage(), e);
        }
        verify(to, toKey, source.size(), sha256);
        return new Copied(sha256, source.size());
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
}
