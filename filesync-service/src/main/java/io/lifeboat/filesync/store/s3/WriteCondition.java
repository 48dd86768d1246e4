package io.lifeboat.filesync.store.s3;

import java.util.Map;
import java.util.Optional;

/**
 * What must still hold at the key for a write to take effect: S3's conditional writes ({@code If-None-Match: *},
 * {@code If-Match: "<ETag>"} on PutObject, CompleteMultipartUpload and CopyObject, as AWS S3, MinIO and Ceph take
 * them). A store refuses a write whose condition no longer holds with HTTP 412, and writes nothing: so a mirror copy
 * decided on one look at the target can never overwrite a version written there after that look.
 *
 * @param header the request header, or null for no condition
 * @param words  the condition in words, for a log line
 */
public record WriteCondition(String header, String value, String words) {

    /** No condition: the write replaces whatever the key holds (a scratch key, a kept conflict version). */
    public static final WriteCondition NONE = new WriteCondition(null, null, "unconditionally");

    /** Only if nothing is under the key. */
    public static WriteCondition absent() {
        return new WriteCondition("If-None-Match", "*", "only if the key is still absent");
    }

    /** Only if the key still holds the version of this ETag. */
    public static WriteCondition unchanged(String etag) {
        return new WriteCondition("If-Match", "\"" + etag + "\"", "only if the key still holds ETag " + etag);
    }

    /** Whether the condition holds for a key that now holds the version of this ETag (empty: the key is absent). */
    public boolean heldBy(Optional<String> etag) {
        if (header == null) {
            return true;
        }
        return value.equals("*") ? etag.isEmpty() : etag.map(e -> value.equals("\"" + e + "\"")).orElse(false);
    }

    /** Adds the condition's header, if any, to a request's (signed) headers. */
    void addTo(Map<String, String> headers) {
        if (header != null) {
            headers.put(header, value);
        }
    }
}
