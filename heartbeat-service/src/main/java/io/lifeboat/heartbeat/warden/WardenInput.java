package io.lifeboat.heartbeat.warden;

import java.util.List;

/** What a site warden learns; times are the local monotonic clock in nanoseconds. */
public sealed interface WardenInput {

    /** Time passed. */
    record Tick(long now) implements WardenInput {
    }

    /** Kafka acknowledged the lease record sent at {@code sentAt}. */
    record Renewed(long sentAt, long now) implements WardenInput {
    }

    /** The newest DR state on failover-service's compacted topic. */
    record StateSeen(String activeSite, long epoch, long now) implements WardenInput {
    }

    /** The fence asked for ran: {@code ok} when every database refuses the application roles. */
    record FenceResult(boolean ok, List<String> rolesLocked, int sessionsEnded, String detail, long now)
            implements WardenInput {
    }

    long now();
}
