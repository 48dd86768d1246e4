package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * Carries out a copy {@link MirrorRules} decided, by the strategy that fits the file and what is free now. The SHA-256
 * is stored as metadata on the copy, and the metadata of an S3 object is fixed when its upload starts, so a native
 * file's content must be hashed before its upload. Each file is read from the source once:
 * <ul>
 * <li>up to a quarter of the memory buffer ({@code mirror.memory-buffer}), while the buffer has room:
 * {@link InMemoryCopy};</li>
 * <li>larger, when it carries its checksum already (a copy of a copy): streamed straight through, checked as it goes
 * ({@link Upload#stream});</li>
 * <li>larger native files: through the local spool while it has room ({@link SpooledCopy}), else through a scratch
 * key and a server-side copy ({@link ScratchKeyCopy}); above what one CopyObject takes, read twice (once to hash it,
 * once to copy it, the same version by {@code If-Match}).</li>
 * </ul>
 * Streams go in 64 KiB pieces, one part at a time above the multipart threshold, so memory does not grow with the
 * file. A copy that does not match is never completed, so the final key only ever holds verified content (a single
 * PUT and a CopyObject are atomic; a multipart upload becomes visible only when completed). The memory buffer and
 * the spool are shared by every copy of the worker.
 */
final class ObjectCopier {

    private static final int BUFFER = 64 * 1024;

    private final Upload upload;
    private final InMemoryCopy inMemory;
    private final SpooledCopy spooled;
    private final ScratchKeyCopy throughScratchKey;

    ObjectCopier(long multipartThreshold, long partSize, long memoryBuffer, Spool spool) {
        this.upload = new Upload(multipartThreshold, partSize);
        this.inMemory = new InMemoryCopy(memoryBuffer, multipartThreshold);
        this.spooled = new SpooledCopy(spool, upload);
        this.throughScratchKey = new ScratchKeyCopy(upload);
    }

    /**
     * Copies a file whose content {@code in} (the source's answer to a GET) is bringing, by the fitting strategy,
     * written only if {@code condition} still holds at the target key.
     */
    Copied copyOpened(InputStream in, SiteBucket from, StoredObject source, SiteBucket to, String key,
            WriteCondition condition) {
        Optional<Copied> copied = inMemory.copyIfRoom(in, from, source, to, key, condition);
        if (copied.isPresent()) {
            return copied.get();
        }
        if (source.sha256().isPresent()) {
            // Its checksum is known: one pass, checked as it goes.
            return upload.stream(in, from, source, source.sha256().get(), to, key, condition);
        }
        copied = spooled.copyIfRoom(in, from, source, to, key, condition);
        if (copied.isPresent()) {
            return copied.get();
        }
        if (ScratchKeyCopy.takes(source)) {
            return throughScratchKey.copy(in, from, source, to, key, condition);
        }
        // Over what one server-side copy takes: this read hashes it, a second one (same version) copies it.
        return copy(from, source, hashOf(in, from, source), to, key, condition);
    }

    /**
     * Copies one version of an object (read again by its ETag), hashing it first if it carries no checksum, over
     * whatever {@code toKey} holds (a conflict's kept version: a name of Lifeboat's own).
     */
    Copied copy(SiteBucket from, StoredObject source, SiteBucket to, String toKey) {
        return copy(from, source, source.sha256().orElseGet(() -> hash(from, source)), to, toKey, WriteCondition.NONE);
    }

    Copied copy(SiteBucket from, StoredObject source, String sha256, SiteBucket to, String toKey,
            WriteCondition condition) {
        try (InputStream raw = from.open(source.key(), source.etag())) {
            return upload.stream(raw, from, source, sha256, to, toKey, condition);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + from.siteId() + ":" + source.key() + " failed: "
                    + e.getMessage(), e);
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
}
