package io.lifeboat.filesync.arrival;

import java.time.Instant;

/**
 * An object created, changed or removed at a site, however it was seen.
 *
 * @param originSite from the object's Lifeboat metadata where the notification carries it, else the site itself
 * @param sha256     from the object's Lifeboat metadata, where known
 */
public record ObjectChange(Change change, String siteId, String bucket, String key, long size, String etag,
        String sha256, String originSite, Instant occurredAt) {

    public enum Change {
        CREATED, REMOVED
    }
}
