package io.lifeboat.failover.state;

/** Where one runbook step is. */
public enum StepState {
    PENDING,
    RUNNING,
    COMPLETED,
    /** Out of attempts: the runbook is STUCK on it. */
    FAILED,
    SKIPPED;

    public boolean finished() {
        return this == COMPLETED || this == SKIPPED;
    }
}
