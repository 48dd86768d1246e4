package io.lifeboat.events;

import java.time.Instant;

/**
 * Audit of an operator's action through an API: who, what, on what, why, and what came of it.
 *
 * @param target the entity acted on (the DR state id, a runbook run id, a link id): the Kafka key
 */
public record OperatorActed(String actor, String role, String action, String target, String reason, String result,
        String service, Instant actedAt) implements EventPayload {

    @Override
    public String subject() {
        return target;
    }
}
