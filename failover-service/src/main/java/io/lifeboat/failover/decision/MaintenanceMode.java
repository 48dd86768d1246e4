package io.lifeboat.failover.decision;

import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Pause;

/**
 * {@code POST /pause} and {@code POST /resume}: maintenance mode at runtime (as {@code patronictl pause}), apart from
 * {@link FailoverRules} only to keep each file short. The pause is part of the DR state, so every instance and a
 * restarted leader keep it. What it holds back is decided where the automatic actions are: {@link FailoverRules}
 * asks a person instead of failing over, {@link AutomaticReverse} does not start a failback.
 */
public final class MaintenanceMode {

    private MaintenanceMode() {
    }

    /** Nothing automatic starts until resumed; a runbook already under way goes on (abort stops it). */
    public static Transition pause(DrState s, String actor, String role, String reason, Context cx) {
        FailoverRules.requireReason(reason);
        if (s.paused() != null) {
            throw new Refused("already " + s.paused().why() + " (since " + s.paused().since() + "); resume first");
        }
        Pause pause = new Pause(actor, reason, cx.now());
        Transition.Builder b = Transition.from(s, cx);
        String why = pause.why() + "; no automatic failover or failback until resumed (phase " + s.phase() + ")";
        b.state(s.withPaused(pause));
        b.operator(actor, role, "pause", s.stateId(), reason, "automatic decisions paused");
        return b.reason(why).build();
    }

    /**
     * Automatic decisions again, from the next verdict or tick on. A question already put to a person stays with
     * them: resuming does not fail over behind the operator's back.
     */
    public static Transition resume(DrState s, String actor, String role, String reason, Context cx) {
        FailoverRules.requireReason(reason);
        Pause pause = s.paused();
        if (pause == null) {
            throw new Refused("not paused: automatic decisions are on");
        }
        Transition.Builder b = Transition.from(s, cx);
        String why = "resumed by " + actor + ": " + reason + " (was " + pause.why() + ", since " + pause.since() + ")"
                + (s.pending() != null && s.pending().awaitingApproval()
                        ? "; the pending decision still awaits an operator" : "");
        b.state(s.withPaused(null));
        b.operator(actor, role, "resume", s.stateId(), reason, "automatic decisions resumed");
        return b.reason(why).build();
    }
}
