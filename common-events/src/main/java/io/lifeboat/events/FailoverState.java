package io.lifeboat.events;

import java.time.Instant;

/**
 * The current DR state; the compacted topic {@code lifeboat.failover.state} keeps the newest per key.
 *
 * @param runId       the runbook under way (failover or failback), null when none
 * @param currentStep the number of the step under way, 0 when none
 * @param leader      the failover-service instance that wrote this state
 */
public record FailoverState(String stateId, String activeSite, String standbySite, long epoch, FailoverPhase phase,
        String runId, String runKind, int currentStep, String stepName, String reason, String leader,
        Instant updatedAt) implements EventPayload {

    @Override
    public String subject() {
        return stateId;
    }
}
