package io.lifeboat.replication.apply;

/** What a {@link ChangeApplier} tells its link; called on the applier's thread. */
public interface ApplierListener {

    /** The target refused a change for good: the link waits at its transaction until resumed. */
    void tableStopped(Unappliable unappliable);

    void tableResumed(String table);

    /**
     * The change stream lost records the applier had not applied (retention, a recreated topic, a broken
     * transaction): the link stops; it never skips.
     */
    void gap(String topic, int partition, long storedOffset, long foundOffset, String reason);

    /** The target is unreachable or refusing for a reason expected to pass; the applier keeps retrying. */
    void failing(String reason);

    void recovered();
}
