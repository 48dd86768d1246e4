package io.lifeboat.heartbeat.warden;

/** Where a site warden stands with its site's lease. */
public enum Standing {
    /** The DR state not read yet: the lease is held as if the site were active (fencing when unsure is the safe side). */
    UNKNOWN,
    /** The site is ACTIVE: the lease must be renewed through Kafka, or the site fences itself. */
    HOLDING,
    /** Another site is active: no lease, nothing to fence (failover-service fenced this one, or fences it on return). */
    STANDBY,
    /** A fence was asked for and has not succeeded yet. */
    FENCING,
    /** The site's database refuses the application's roles. The warden never unfences: failback does. */
    FENCED;

    public boolean holdsLease() {
        return this == UNKNOWN || this == HOLDING;
    }

    public boolean fencing() {
        return this == FENCING || this == FENCED;
    }
}
