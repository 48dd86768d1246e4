package io.lifeboat.events;

/** What failover-service (or an operator) can ask of the other services. */
public enum CommandName {
    PAUSE,
    RESUME,
    DRAIN,
    PROMOTE,
    FENCE,
    /** Undoes exactly what FENCE did to a site's databases (the application roles, the read-only default). */
    UNFENCE,
    REVERSE,
    RECONCILE
}
