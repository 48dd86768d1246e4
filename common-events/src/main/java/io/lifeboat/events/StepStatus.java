package io.lifeboat.events;

public enum StepStatus {
    STARTED,
    COMPLETED,
    FAILED,
    SKIPPED
}
