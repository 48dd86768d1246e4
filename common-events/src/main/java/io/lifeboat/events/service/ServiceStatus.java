package io.lifeboat.events.service;

import java.time.Instant;

/** What {@code GET /status} says about an instance. */
public record ServiceStatus(String service, String site, String instanceId, String version, String commit,
        Instant startedAt) {

    static ServiceStatus of(ServiceIdentity identity) {
        return new ServiceStatus(identity.service(), identity.site(), identity.instanceId(), identity.version(),
                identity.commit(), identity.startedAt());
    }
}
