package io.lifeboat.events;

import java.time.Instant;

/**
 * One step of a failover or failback runbook, as it starts, completes, fails or is skipped, and while it waits for
 * long work ({@link StepStatus#PROGRESS}, with its figures).
 *
 * @param progress the figures of the work the step waits for; only with {@link StepStatus#PROGRESS}
 */
public record FailoverStep(String runId, String runKind, long epoch, int step, String name, StepStatus status,
        Long durationMs, String reason, Instant at, WorkProgress progress) implements EventPayload {

    /** A step's change, without figures. */
    public FailoverStep(String runId, String runKind, long epoch, int step, String name, StepStatus status,
            Long durationMs, String reason, Instant at) {
        this(runId, runKind, epoch, step, name, status, durationMs, reason, at, null);
    }

    @Override
    public String subject() {
        return runId;
    }
}
