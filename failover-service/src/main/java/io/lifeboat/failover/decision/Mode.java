package io.lifeboat.failover.decision;

/** Whether the service may fail over by itself. */
public enum Mode {
    /** Fail over automatically when every condition holds; ask a person otherwise. */
    AUTO,
    /** Always ask a person. */
    MANUAL
}
