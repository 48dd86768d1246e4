package io.lifeboat.events;

import java.time.Instant;

/**
 * A decision about an outage, automatic or a person's, with the reason in words ("standby lag 42 s exceeds
 * allowed 5 s").
 *
 * @param action FAIL_OVER, AWAIT_APPROVAL, NO_ACTION, CANCEL, APPROVED, ABORTED, FAIL_BACK
 */
public record FailoverDecision(String decisionId, long epoch, String action, String reason, String siteId,
        String verdictTransitionId, String decidedBy, Instant decidedAt) implements EventPayload {

    @Override
    public String subject() {
        return siteId;
    }
}
