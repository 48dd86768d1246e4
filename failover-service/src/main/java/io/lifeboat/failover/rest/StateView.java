package io.lifeboat.failover.rest;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.failover.state.Pause;
import io.lifeboat.failover.state.PendingDecision;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.UnfencedLoss;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /state}: the DR state, what this instance sees and why it last did or did not act.
 *
 * @param lastReason the control loop's last reason in words ("waiting: home DOWN for 2.1 s of grace 5 s")
 * @param verdicts   the newest verdict per site: "UP", "DOWN (3/3 observers in 2 locations)"
 * @param paused     who paused automatic decisions, why and since when (maintenance mode); null: not paused
 */
public record StateView(String stateId, String activeSite, String standbySite, long epoch, FailoverPhase phase,
        String reason, String lastReason, String mode, String leader, String instance, boolean instanceLeads,
        Instant updatedAt, PendingDecision pending, Run run, Run lastRun, Map<String, String> verdicts,
        List<ReplicationLag> lags, UnfencedLoss unfenced, Pause paused) {
}
