package io.lifeboat.failover.state;

import java.time.Instant;

/**
 * An outage of the active site being weighed (DECIDING) or waiting for a person (AWAITING_APPROVAL).
 *
 * @param verdictSince when the DOWN verdict was reached (the grace period counts from here)
 * @param outageSince  when the failure was first seen (recovery time counts from here)
 * @param evidence     the verdict's evidence in words, e.g. "3/3 observers in 2 locations"
 */
public record PendingDecision(String decisionId, String siteId, String transitionId, Instant verdictSince,
        Instant outageSince, String evidence, Instant startedAt, boolean awaitingApproval, String reason) {

    public PendingDecision awaiting(String why) {
        return new PendingDecision(decisionId, siteId, transitionId, verdictSince, outageSince, evidence, startedAt,
                true, why);
    }
}
