package io.lifeboat.events;

import java.time.Instant;

/** A service instance came up. Published once per start on {@code lifeboat.events}. */
public record ServiceStarted(String service, String siteId, String instanceId, String version, String commit,
        Instant startedAt) implements EventPayload {

    @Override
    public String subject() {
        return service + "/" + instanceId;
    }
}
