package io.lifeboat.events;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of a command, with the reason in words.
 *
 * @param details results such as {@code appliedPosition} or {@code dataLossWindowMs} for PROMOTE
 */
public record CommandFinished(String commandId, CommandName command, long epoch, String target,
        CommandOutcome outcome, String reason, String handledBy, Map<String, String> details, Instant finishedAt)
        implements EventPayload {

    @Override
    public String subject() {
        return target;
    }
}
