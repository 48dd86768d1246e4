package io.lifeboat.events;

import java.time.Instant;

/**
 * An object was created or changed in a site's bucket.
 *
 * @param originSite  the site where the content was first written (differs from {@code siteId} for a mirrored copy)
 * @param sha256      hex SHA-256 of the content, where known (Lifeboat stores it as user metadata)
 * @param seenVia     NOTIFICATION or SCAN
 */
public record FileArrived(String siteId, String bucket, String key, long size, String etag, String sha256,
        String originSite, String seenVia, Instant occurredAt) implements EventPayload {

    @Override
    public String subject() {
        return bucket + "/" + key;
    }
}
