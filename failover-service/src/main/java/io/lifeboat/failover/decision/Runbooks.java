package io.lifeboat.failover.decision;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.StepStatus;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.RunKind;
import io.lifeboat.failover.state.RunStart;
import io.lifeboat.failover.state.StepKind;
import io.lifeboat.failover.state.StepProgress;
import io.lifeboat.failover.state.StepState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The two runbooks' steps, and starting one (step 1, recording the decision and raising the epoch). */
public final class Runbooks {

    /** Failover: fence the lost site where reachable, drain, promote, DNS, verify. */
    public static final List<StepKind> FAILOVER = List.of(StepKind.RECORD, StepKind.FENCE_LOST, StepKind.DRAIN,
            StepKind.PROMOTE, StepKind.SWITCH_DNS, StepKind.VERIFY_DNS, StepKind.DONE);

    /** Failback: reverse, catch up, then a planned switchover with zero loss, and replication home → standby again. */
    public static final List<StepKind> FAILBACK = List.of(StepKind.RECORD, StepKind.REVERSE, StepKind.CATCH_UP,
            StepKind.FENCE_ACTIVE, StepKind.DRAIN, StepKind.PROMOTE, StepKind.SWITCH_DNS, StepKind.VERIFY_DNS,
            StepKind.REPROTECT, StepKind.DONE);

    private Runbooks() {
    }

    public static List<StepKind> steps(RunKind kind) {
        return kind == RunKind.FAILOVER ? FAILOVER : FAILBACK;
    }

    /** Starts a run in {@code b}: the epoch goes up by one, the pending decision is consumed, step 1 is done at once. */
    public static void start(Transition.Builder b, Context cx, RunStart start) {
        DrState s = b.state();
        RunKind kind = start.kind();
        String why = start.why();
        long newEpoch = s.epoch() + 1;
        List<StepProgress> steps = new ArrayList<>();
        List<StepKind> kinds = steps(kind);
        for (int i = 0; i < kinds.size(); i++) {
            steps.add(StepProgress.pending(i + 1, kinds.get(i)));
        }
        String runId = kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + newEpoch + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        Run run = Run.begin(runId, start, newEpoch, cx.now(), steps);
        String recorded = "decision recorded (" + why + "); epoch " + s.epoch() + " → " + newEpoch;
        StepProgress first = run.step(1).attempt(cx.now(), Map.of(), null);
        b.state(s.withEpoch(newEpoch, cx.now()).withPending(null).withRun(run)
                .withPhase(kind == RunKind.FAILOVER ? FailoverPhase.FAILING_OVER : FailoverPhase.FAILING_BACK, why));
        b.step(run, first, StepStatus.STARTED, null, null);
        StepProgress done = first.finish(StepState.COMPLETED, cx.now(), recorded, Map.of("epoch", Long.toString(newEpoch)));
        run = run.withStep(done).withCurrentStep(2);
        b.state(b.state().withRun(run));
        b.step(run, done, StepStatus.COMPLETED, done.durationMs(), recorded);
        b.unsettled();
    }

    /** The operator skipped the current step: its effects on the roles still apply. */
    public static void skip(Transition.Builder b, Context cx, String why) {
        Run run = b.state().run();
        StepProgress skipped = run.current().finish(StepState.SKIPPED, cx.now(), why, Map.of());
        b.step(run, skipped, StepStatus.SKIPPED, skipped.durationMs(), why);
        moveOn(b, run.withStep(skipped), skipped.kind());
    }

    /** A step ended (done or skipped): on to the next; the roles move with PROMOTE. */
    public static void moveOn(Transition.Builder b, Run run, StepKind finished) {
        DrState s = b.state();
        if (finished == StepKind.PROMOTE) {
            // The roles move when the standby's database accepts writes.
            s = s.withActive(run.toSite(), run.fromSite());
        }
        b.state(s.withRun(run.withCurrentStep(run.currentStep() + 1)));
    }
}
