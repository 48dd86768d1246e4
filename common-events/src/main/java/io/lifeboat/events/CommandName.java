package io.lifeboat.events;

/** What failover-service (or an operator) can ask of the other services. */
public enum CommandName {
    PAUSE,
    RESUME,
    DRAIN,
    PROMOTE,
    FENCE,
    REVERSE,
    RECONCILE
}
