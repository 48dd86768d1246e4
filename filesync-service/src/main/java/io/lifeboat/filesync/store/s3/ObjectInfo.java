package io.lifeboat.filesync.store.s3;

import java.time.Instant;
import java.util.Map;

/**
 * What a HEAD or GET answers about one object.
 *
 * @param etag     as the store sent it, without quotes
 * @param metadata user metadata, names lower-case without {@code x-amz-meta-}
 */
public record ObjectInfo(long size, String etag, Instant lastModified, String contentType,
        Map<String, String> metadata) {
}
