package io.lifeboat.events;

import java.time.Instant;
import java.util.Map;

/**
 * A command to a link or a site. Anything carrying an epoch older than the newest one a service has seen is
 * refused (fencing).
 *
 * @param target     the link id (PAUSE, RESUME, DRAIN, PROMOTE, REVERSE, RECONCILE) or site id (FENCE)
 * @param parameters command-specific settings, e.g. {@code sourceLostAt} for PROMOTE
 */
public record CommandIssued(String commandId, CommandName command, long epoch, String target, String issuedBy,
        String reason, Map<String, String> parameters, Instant issuedAt) implements EventPayload {

    @Override
    public String subject() {
        return target;
    }
}
