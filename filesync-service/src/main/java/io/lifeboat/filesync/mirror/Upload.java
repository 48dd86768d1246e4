package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * How every copy strategy ends: the content written under a key of the target, in one PUT or in parts, with
 * Lifeboat's metadata, and what the target then holds verified by a HEAD.
 */
final class Upload {

    private static final Pattern CHARSET = Pattern.compile("(?i)(charset=)([^;\\s]+)");

    private final long multipartThreshold;
    private final long partSize;

    Upload(long multipartThreshold, long partSize) {
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    /** Streams {@code raw} (the source's content) to the target, checking size and SHA-256 before the last byte. */
    Copied stream(InputStream raw, SiteBucket from, StoredObject source, String sha256, SiteBucket to, String toKey,
            WriteCondition condition) {
        return send(new VerifyingInputStream(raw, source.size(), sha256), from, source, sha256, to, toKey, condition);
    }

    /** Sends content that {@code in} checks as it goes, in one PUT or in parts; then verifies what the target holds. */
    Copied send(VerifyingInputStream checked, SiteBucket from, StoredObject source, String sha256, SiteBucket to,
            String toKey, WriteCondition condition) {
        try (VerifyingInputStream in = checked) {
            // The verifying stream checks size and SHA-256 with the last byte, before a multipart upload is completed.
            write(in, source, to, toKey, metadata(source, sha256), condition);
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + from.siteId() + ":" + source.key() + " to " + to.siteId()
                    + ":" + toKey + " failed: " + e.getMessage(), e);
        }
        verify(to, toKey, source.size(), sha256);
        return new Copied(sha256, source.size());
    }

    /** Writes the source's size in bytes of {@code in} under the key: one PUT up to the threshold, else in parts. */
    void write(InputStream in, StoredObject source, SiteBucket to, String toKey, Map<String, String> metadata,
            WriteCondition condition) {
        if (source.size() <= multipartThreshold) {
            to.put(toKey, metadata, contentType(source), null, source.size(), in, condition);
        } else {
            to.putInParts(toKey, metadata, contentType(source), source.size(), partSize, in, condition);
        }
    }

    static void verify(SiteBucket to, String key, long size, String sha256) {
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

    /** What a copy carries: the source's own user metadata, and Lifeboat's (origin, source ETag, checksum). */
    static Map<String, String> metadata(StoredObject source, String sha256) {
        Map<String, String> metadata = new HashMap<>(source.metadata());
        metadata.put(LifeboatMetadata.ORIGIN_SITE, source.originSite());
        metadata.put(LifeboatMetadata.ORIGIN_TIME, source.originTime().toString());
        metadata.put(LifeboatMetadata.SOURCE_ETAG, source.etag());
        metadata.put(LifeboatMetadata.SHA256, sha256);
        return metadata;
    }

    /**
     * The source's content type, its charset name in upper case (charset names are case-insensitive): S3Proxy's Jetty
     * rewrites some lower-case forms such as "text/plain; charset=utf-8" (which its own HEAD returns) before checking
     * the request signature, and then refuses the PUT as forged.
     */
    static String contentType(StoredObject source) {
        if (source.contentType() == null || source.contentType().isBlank()) {
            return "application/octet-stream";
        }
        return CHARSET.matcher(source.contentType()).replaceAll(m -> m.group(1) + m.group(2).toUpperCase(Locale.ROOT));
    }
}
