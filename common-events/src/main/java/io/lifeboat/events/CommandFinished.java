package io.lifeboat.events;

import java.time.Instant;
import java.util.Map;

/**
 * The outcome of a command, with the reason in words.
 *
 * @param details   what the command did, in words and figures for people (positions, counts, the source's state)
 * @param promotion a PROMOTE's result (DONE only): what failover-service reads, typed
 */
public record CommandFinished(String commandId, CommandName command, long epoch, String target,
        CommandOutcome outcome, String reason, String handledBy, Map<String, String> details, Instant finishedAt,
        PromotionResult promotion) implements EventPayload {

    /** Any command's answer but a done PROMOTE's. */
    public CommandFinished(String commandId, CommandName command, long epoch, String target, CommandOutcome outcome,
            String reason, String handledBy, Map<String, String> details, Instant finishedAt) {
        this(commandId, command, epoch, target, outcome, reason, handledBy, details, finishedAt, null);
    }

    @Override
    public String subject() {
        return target;
    }
}
