package io.lifeboat.failover.decision;

/** An operator's request that cannot be done in the current state, with the reason in words. */
public class Refused extends RuntimeException {

    public Refused(String reason) {
        super(reason);
    }
}
