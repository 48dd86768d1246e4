package io.lifeboat.replication.apply;

/** What a {@link ChangeApplier} tells its link; called on the applier's thread. */
public interface ApplierListener {

    void tableStopped(Unappliable unappliable);

    void tableResumed(String table);

    /** The target is unreachable or refusing for a reason expected to pass; the applier keeps retrying. */
    void failing(String reason);

    void recovered();
}
