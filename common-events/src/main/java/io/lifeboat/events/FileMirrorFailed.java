package io.lifeboat.events;

import java.time.Instant;

/** Mirroring a file gave up after its retries; reconciliation will try again later. */
public record FileMirrorFailed(String linkId, String sourceSite, String targetSite, String bucket, String key,
        int attempts, String reason, Instant failedAt) implements EventPayload {

    @Override
    public String subject() {
        return bucket + "/" + key;
    }
}
