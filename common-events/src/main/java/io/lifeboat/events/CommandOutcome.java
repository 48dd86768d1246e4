package io.lifeboat.events;

/** How a command ended. */
public enum CommandOutcome {
    DONE,
    REFUSED,
    FAILED
}
