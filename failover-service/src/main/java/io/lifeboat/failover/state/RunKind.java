package io.lifeboat.failover.state;

/** The two runbooks. */
public enum RunKind {
    /** Move the service to the standby after the active site was lost (or on an operator's request). */
    FAILOVER,
    /** Bring the service home: reverse replication, catch up, planned switchover with zero loss. */
    FAILBACK
}
