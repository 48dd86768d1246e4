package io.lifeboat.events;

/** Where the DR state machine is. */
public enum FailoverPhase {
    /** The home arrangement: the configured home site is active. */
    NORMAL,
    /** An outage of the active site is being weighed. */
    DECIDING,
    AWAITING_APPROVAL,
    FAILING_OVER,
    /** Serving from the site that was standby. */
    ON_DR,
    FAILING_BACK,
    /** A runbook step keeps failing; an operator must retry, skip or abort. */
    STUCK
}
