package io.lifeboat.events;

public enum StepStatus {
    STARTED,
    COMPLETED,
    FAILED,
    SKIPPED,
    /** Still running: the figures of the long work it waits for (a copy of tables, a reconcile), every few seconds. */
    PROGRESS
}
