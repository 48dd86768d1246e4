package io.lifeboat.filesync.mirror;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * A small file read whole into memory while hashed, then sent: up to 2 MiB with its Content-MD5 (the store refuses a
 * body that does not match, and the ETag it answers proves what it stored), above verified by a HEAD.
 */
final class InMemoryCopy {

    private static final int MD5_LIMIT = 2 * 1024 * 1024;

    /** Bytes of heap that whole files being copied may take together; a file larger than a quarter streams. */
    private final Semaphore memory;
    private final long inMemoryLimit;

    InMemoryCopy(long memoryBuffer, long multipartThreshold) {
        int budget = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, memoryBuffer));
        this.memory = new Semaphore(budget);
        this.inMemoryLimit = Math.min(multipartThreshold, budget / 4);
    }

    /** Copies the file if it is small enough and the buffer has room for it now; empty (nothing read) if not. */
    Optional<Copied> copyIfRoom(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey,
            WriteCondition condition) {
        if (source.size() > inMemoryLimit || !memory.tryAcquire((int) source.size())) {
            return Optional.empty();
        }
        try {
            return Optional.of(copy(raw, from, source, to, toKey, condition));
        } finally {
            memory.release((int) source.size());
        }
    }

    private Copied copy(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey,
            WriteCondition condition) {
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
        Map<String, String> metadata = Upload.metadata(source, sha256);
        String etag = to.put(toKey, metadata, Upload.contentType(source),
                md5 == null ? null : Base64.getEncoder().encodeToString(md5), size, new ByteArrayInputStream(content),
                condition);
        if (md5 == null || !etag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
            // Larger, or a store whose ETag is not the content's MD5 (encryption, some gateways): check by a HEAD.
            Upload.verify(to, toKey, size, sha256);
        }
        return new Copied(sha256, size);
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
