package io.lifeboat.events;

import java.time.Instant;

/**
 * A command to a link or a site. Anything carrying an epoch older than the newest one a service has seen is
 * refused (fencing).
 *
 * @param target     the link id (PAUSE, RESUME, DRAIN, PROMOTE, REVERSE, RECONCILE) or site id (FENCE)
 * @param parameters what the command needs besides its target; {@link CommandParameters#none()} when nothing
 */
public record CommandIssued(String commandId, CommandName command, long epoch, String target, String issuedBy,
        String reason, CommandParameters parameters, Instant issuedAt) implements EventPayload {

    public CommandIssued {
        // Absent in a message means no parameters: readers never check for null.
        parameters = parameters == null ? CommandParameters.none() : parameters;
    }

    @Override
    public String subject() {
        return target;
    }
}
