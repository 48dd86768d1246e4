package io.lifeboat.failover.state;

/** How a finished run ended; written by name, as it was when this was a string. */
public enum RunOutcome {
    COMPLETED,
    ABORTED
}
