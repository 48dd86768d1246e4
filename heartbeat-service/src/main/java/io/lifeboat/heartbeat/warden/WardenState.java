package io.lifeboat.heartbeat.warden;

import java.util.Objects;

/**
 * A site warden's state. Times are the local monotonic clock ({@code System.nanoTime()}), never wall-clock time and
 * never compared with another machine's clock: the lease is a duration measured at this site alone.
 *
 * @param activeSite    the active site in the newest DR state read, or null before any
 * @param epoch         that state's epoch, -1 before any
 * @param renewedAt     when the newest acknowledged renewal was sent (a renewal counts from its sending, not its
 *                      acknowledgement: the earlier of the two)
 * @param lostAt        when the lease ran out or the role was lost, or -1
 * @param fenceInFlight whether a fence was asked for and its result is not in yet
 * @param cause         why the site is fencing or fenced, in words; null otherwise
 */
public record WardenState(Standing standing, String activeSite, long epoch, long renewedAt, long lostAt,
        boolean fenceInFlight, int fenceAttempts, String cause) {

    public WardenState {
        Objects.requireNonNull(standing, "standing");
    }

    /** A warden that just started: the lease counts from its start, as if renewed then. */
    public static WardenState start(long now) {
        return new WardenState(Standing.UNKNOWN, null, -1, now, -1, false, 0, null);
    }

    WardenState renewed(long sentAt) {
        return new WardenState(standing, activeSite, epoch, Math.max(renewedAt, sentAt), lostAt, fenceInFlight,
                fenceAttempts, cause);
    }

    WardenState role(Standing newStanding, String newActive, long newEpoch) {
        return new WardenState(newStanding, newActive, newEpoch, renewedAt, lostAt, fenceInFlight, fenceAttempts, cause);
    }

    WardenState fencing(long at, String why) {
        return new WardenState(Standing.FENCING, activeSite, epoch, renewedAt, lostAt < 0 ? at : lostAt, true,
                fenceAttempts + 1, cause == null ? why : cause);
    }

    WardenState fenceFailed() {
        return new WardenState(Standing.FENCING, activeSite, epoch, renewedAt, lostAt, false, fenceAttempts, cause);
    }

    /** Holding the lease again after a failback made this site active at a newer epoch: the fence is history. */
    WardenState rearmed(String newActive, long newEpoch) {
        return new WardenState(Standing.HOLDING, newActive, newEpoch, renewedAt, -1, false, 0, null);
    }

    WardenState fenced() {
        return new WardenState(Standing.FENCED, activeSite, epoch, renewedAt, lostAt, false, fenceAttempts, cause);
    }
}
