package io.lifeboat.failover.state;

/** This instance may not write: it is not (or no longer) the leader, e.g. because a newer one fenced it. */
public class NotLeader extends RuntimeException {

    public NotLeader(String message) {
        super(message);
    }
}
