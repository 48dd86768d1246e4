package io.lifeboat.events;

/** Where a link is in its life. */
public enum LinkState {
    STARTING,
    SNAPSHOTTING,
    STREAMING,
    PAUSED,
    DRAINING,
    DRAINED,
    PROMOTED,
    REVERSING,
    /** Part of the link cannot go on without a person (an unappliable change, a store that keeps refusing). */
    STALLED,
    FAILED,
    STOPPED
}
