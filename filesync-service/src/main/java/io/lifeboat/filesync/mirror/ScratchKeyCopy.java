package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * A native file too large for memory and for the spool, read once: its metadata must carry its SHA-256, and the
 * metadata of an S3 object is fixed when its upload starts, so it is uploaded under a scratch key of the target
 * ({@link SiteBucket#SCRATCH_PREFIX}: never mirrored) while hashed, then copied by the store itself (CopyObject,
 * metadata replaced: origin, source ETag, SHA-256) under its final key, which so only ever shows the whole, hashed
 * content, verified by a HEAD; the scratch key is removed in every case (one left by a crash is never mirrored). It
 * costs the store a second write of every byte, which is why the spool comes first.
 */
final class ScratchKeyCopy {

    /** The largest object one CopyObject takes (S3's limit). */
    static final long COPY_OBJECT_LIMIT = 5L * 1024 * 1024 * 1024;

    private final Upload upload;

    ScratchKeyCopy(Upload upload) {
        this.upload = upload;
    }

    static boolean takes(StoredObject source) {
        return source.size() <= COPY_OBJECT_LIMIT;
    }

    Copied copy(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey,
            WriteCondition condition) {
        String scratch = SiteBucket.SCRATCH_PREFIX + UUID.randomUUID();
        try {
            String sha256;
            try (VerifyingInputStream in = new VerifyingInputStream(raw, source.size(), null)) {
                upload.write(in, source, to, scratch, Map.of(), WriteCondition.NONE);
                if (in.read() >= 0) {
                    throw new IOException("source is longer than the " + source.size() + " bytes it announced");
                }
                sha256 = in.hex();
            } catch (IOException e) {
                throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                        + ":" + scratch + " failed: " + e.getMessage(), e);
            }
            to.copyWithin(scratch, toKey, Upload.metadata(source, sha256), Upload.contentType(source), condition);
            Upload.verify(to, toKey, source.size(), sha256);
            return new Copied(sha256, source.size());
        } finally {
            try {
                to.delete(scratch);
            } catch (RuntimeException e) {
                // The store may be why we are here; a scratch key is never mirrored.
            }
        }
    }
}
