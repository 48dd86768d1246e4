package io.lifeboat.events;

import java.time.Instant;

/**
 * One probe of one target of a site by one observer.
 *
 * @param targetKind  HTTP, TCP, POSTGRES or DNS
 * @param errorClass  null when ok; otherwise a short class such as TIMEOUT, REFUSED, STATUS, BODY, SQL, DNS
 * @param readOnly    for PostgreSQL targets: the server refuses writes (read-only or in recovery); null otherwise
 */
public record HeartbeatObserved(String siteId, String target, String targetKind, boolean critical, String observerId,
        String location, boolean ok, long latencyMs, String errorClass, String errorMessage, Boolean readOnly,
        Instant observedAt) implements EventPayload {

    @Override
    public String subject() {
        return siteId;
    }
}
