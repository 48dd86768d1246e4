package io.lifeboat.failover.state;

import java.time.Instant;

/**
 * One line of the DR history kept in the state (the newest {@link DrState#HISTORY_LIMIT}); the full audit trail is
 * on {@code lifeboat.events}.
 *
 * @param kind   DECISION, STEP, OPERATOR
 * @param action e.g. FAIL_OVER, CANCEL, "step 4 promote COMPLETED", "approve"
 */
public record HistoryEntry(Instant at, long epoch, String kind, String action, String reason, String by) {
}
