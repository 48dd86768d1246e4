package io.lifeboat.failover.decision;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverDecision;
import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.OperatorActed;
import io.lifeboat.events.Severity;
import io.lifeboat.events.StepStatus;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.HistoryEntry;
import io.lifeboat.failover.state.Outgoing;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.StepProgress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one rule or step did: the next state, the events to send with it (in the same transaction), and the reason in
 * words, which goes to the log, the API and the audit event alike.
 *
 * @param changed whether the state must be written (false: nothing to write but {@code out}, or nothing at all)
 * @param settled whether nothing more can happen before time passes or something arrives
 * @param idle    nothing under way at all ("no runbook under way", "nothing pending"): the loop keeps showing its
 *                last reason rather than this one
 */
public record Transition(DrState next, List<Outgoing<?>> out, String reason, boolean changed, boolean settled,
        boolean idle) {

    public Transition {
        out = List.copyOf(out);
    }

    public Transition(DrState next, List<Outgoing<?>> out, String reason, boolean changed, boolean settled) {
        this(next, out, reason, changed, settled, false);
    }

    public boolean isEmpty() {
        return !changed && out.isEmpty();
    }

    /** Nothing happened, nothing to record (e.g. still inside the grace period). */
    public static Transition quiet(DrState state, String reason) {
        return new Transition(state, List.of(), reason, false, true);
    }

    /** Nothing under way at all: not even worth showing as the loop's last reason. */
    public static Transition idle(DrState state, String reason) {
        return new Transition(state, List.of(), reason, false, true, true);
    }

    public static Builder from(DrState state, Context cx) {
        return new Builder(state, cx);
    }

    /** Collects a transition; every record it adds is also a history line where it matters. */
    public static final class Builder {
        private DrState state;
        private final Context cx;
        private final List<Outgoing<?>> out = new ArrayList<>();
        private String reason;
        private boolean changed;
        private boolean settled = true;

        private Builder(DrState state, Context cx) {
            this.state = state;
            this.cx = cx;
        }

        public DrState state() {
            return state;
        }

        public Builder state(DrState next) {
            this.state = next;
            this.changed = true;
            return this;
        }

        public Builder reason(String why) {
            this.reason = why;
            return this;
        }

        public Builder unsettled() {
            this.settled = false;
            return this;
        }

        /** A decision event; recorded in the history unless it is a plain NO_ACTION. */
        public Builder decision(String action, String why, String siteId, String transitionId, String by) {
            out.add(new Outgoing<>(EventTypes.FAILOVER_DECIDED, new FailoverDecision(UUID.randomUUID().toString(),
                    state.epoch(), action, why, siteId, transitionId, by, cx.now())));
            if (!"NO_ACTION".equals(action)) {
                history("DECISION", action, why, by);
            }
            this.reason = action.equals("NO_ACTION") ? "no action: " + why : why;
            return this;
        }

        public Builder history(String kind, String action, String why, String by) {
            state = state.withHistory(new HistoryEntry(cx.now(), state.epoch(), kind, action, why, by));
            changed = true;
            return this;
        }

        public Builder alert(String kind, Severity severity, String siteId, String why) {
            out.add(new Outgoing<>(EventTypes.ALERT_RAISED, AlertRaised.of(kind, state.stateId(), severity, siteId, why,
                    cx.self(), cx.now(), Map.of("stateId", state.stateId()))));
            return this;
        }

        public Builder resolve(String kind, String siteId, String why) {
            out.add(new Outgoing<>(EventTypes.ALERT_RESOLVED, AlertResolved.of(kind, state.stateId(), siteId, why,
                    cx.self(), cx.now())));
            return this;
        }

        public Builder step(Run run, StepProgress step, StepStatus status, Long durationMs, String why) {
            out.add(new Outgoing<>(EventTypes.FAILOVER_STEP, new FailoverStep(run.runId(), run.kind().name(),
                    run.epoch(), step.number(), step.name(), status, durationMs, why, cx.now())));
            if (status != StepStatus.STARTED) {
                history("STEP", "step " + step.number() + " " + step.name() + " " + status, why, cx.self());
            }
            return this;
        }

        public Builder operator(String actor, String role, String action, String target, String why, String result) {
            out.add(new Outgoing<>(EventTypes.OPERATOR_ACTED, new OperatorActed(actor, role, action, target, why,
                    result, "failover-service", cx.now())));
            history("OPERATOR", action, why + " → " + result, actor);
            return this;
        }

        public Builder send(Outgoing<?> event) {
            out.add(event);
            return this;
        }

        public Transition build() {
            return new Transition(state, out, reason, changed, settled);
        }
    }
}
