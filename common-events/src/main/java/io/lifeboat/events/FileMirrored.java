package io.lifeboat.events;

import java.time.Instant;

/** A file now exists, verified, at the target site. */
public record FileMirrored(String linkId, String sourceSite, String targetSite, String bucket, String key,
        long size, String sha256, String originSite, long durationMs, Instant mirroredAt) implements EventPayload {

    @Override
    public String subject() {
        return bucket + "/" + key;
    }
}
