package io.lifeboat.failover.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A site that failover-service could not fence when it was lost (its FENCE went unanswered), and so may still take
 * writes: kept in the DR state until the site answers again and is fenced, which comes before anything else
 * ({@code decision.FenceOnReturn}).
 *
 * @param since            when Lifeboat first tried to fence the site and could not: how long it has been unfenced
 *                         is counted from here
 * @param runId            the run that lost it
 * @param attempts         fences tried since its loss
 * @param commandId        the FENCE under way, or null between attempts
 * @param attemptStartedAt when that FENCE went out
 */
public record UnfencedLoss(String siteId, Instant since, String runId, String reason, int attempts,
        String commandId, Instant attemptStartedAt) {

    public UnfencedLoss {
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(since, "since");
    }

    public static UnfencedLoss of(String siteId, Instant since, String runId, String reason) {
        return new UnfencedLoss(siteId, since, runId, reason, 0, null, null);
    }

    public UnfencedLoss attempting(String newCommandId, Instant at) {
        return new UnfencedLoss(siteId, since, runId, reason, attempts + 1, newCommandId, at);
    }

    public UnfencedLoss betweenAttempts() {
        return new UnfencedLoss(siteId, since, runId, reason, attempts, null, attemptStartedAt);
    }
}
