package io.lifeboat.failover.state;

/** Whether a step holds the switchover for a person (the catch-up step of an automatic reverse). */
public enum SwitchoverApproval {
    /** Nothing to approve: the step goes on by itself. */
    NONE,
    /** Caught up or not, the step ends only once an operator approves the switchover. */
    AWAITING,
    /** An operator approved it. */
    APPROVED
}
