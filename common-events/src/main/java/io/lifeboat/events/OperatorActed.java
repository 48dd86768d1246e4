package io.lifeboat.events;

import java.time.Instant;

/** Audit of an operator's action through an API: who, what, why, and what came of it. */
public record OperatorActed(String actor, String role, String action, String reason, String result,
        String service, Instant actedAt) implements EventPayload {

    @Override
    public String subject() {
        return action;
    }
}
