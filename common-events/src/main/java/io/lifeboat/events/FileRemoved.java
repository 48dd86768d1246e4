package io.lifeboat.events;

import java.time.Instant;

/** An object was removed from a site's bucket. */
public record FileRemoved(String siteId, String bucket, String key, String seenVia, Instant occurredAt)
        implements EventPayload {

    @Override
    public String subject() {
        return bucket + "/" + key;
    }
}
