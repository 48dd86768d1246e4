package io.lifeboat.events;

import java.time.Instant;

/** One step of a failover or failback runbook, as it starts, completes, fails or is skipped. */
public record FailoverStep(String runId, String runKind, long epoch, int step, String name, StepStatus status,
        Long durationMs, String reason, Instant at) implements EventPayload {

    @Override
    public String subject() {
        return runId;
    }
}
