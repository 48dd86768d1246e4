package io.lifeboat.failover.decision;

import io.lifeboat.events.Severity;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.RunStart;
import io.lifeboat.failover.state.StepKind;
import io.lifeboat.failover.state.StepProgress;
import io.lifeboat.failover.state.SwitchoverApproval;

import java.time.Duration;

/** The one rule of the ON_DR phase, apart from {@link FailoverRules} only to keep each file short. */
final class AutomaticReverse {

    private AutomaticReverse() {
    }

    /**
     * With {@code failback.automatic-reverse}, home back and UP for {@code failback.home-stable-for} starts the
     * failback by itself: reverse replication, reconciliation and catch-up run, and the run holds before the planned
     * switchover until an operator approves it (the "automatically where configured").
     */
    static Transition onTick(DrState s, Observations obs, Context cx) {
        Policy p = cx.policy();
        String home = p.homeSite();
        if (!p.automaticReverse() || home.equals(s.activeSite()) || s.run() != null) {
            return Transition.quiet(s, "on DR; failback on an operator's request");
        }
        if (s.paused() != null) {
            return Transition.quiet(s, "on DR; " + s.paused().why() + ": no automatic reverse");
        }
        if (FenceOnReturn.failbackProblem(s) != null) {
            return Transition.quiet(s, "on DR; " + FenceOnReturn.failbackProblem(s));
        }
        SiteVerdictChanged v = obs.verdict(home);
        if (v == null || v.verdict() != Verdict.UP || v.since() == null) {
            return Transition.quiet(s, "on DR; " + home + " is not UP");
        }
        Duration up = Duration.between(v.since(), cx.now());
        if (up.compareTo(p.homeStableFor()) < 0) {
            return Transition.quiet(s, "on DR; " + home + " UP for " + Words.duration(up) + " of "
                    + Words.duration(p.homeStableFor()) + " before an automatic reverse");
        }
        Transition.Builder b = Transition.from(s, cx);
        String why = "automatic reverse: " + home + " UP for " + Words.duration(up)
                + " (failback.automatic-reverse); the switchover waits for an operator's approval";
        b.decision("FAIL_BACK", why, home, v.transitionId(), cx.self());
        Runbooks.start(b, cx, RunStart.failback(s.activeSite(), home, why, cx.self()));
        Run run = b.state().run();
        StepProgress catchUp = run.steps().stream().filter(st -> st.kind() == StepKind.CATCH_UP)
                .findFirst().orElseThrow();
        b.state(b.state().withRun(run.withStep(
                catchUp.withApproval(SwitchoverApproval.AWAITING, FailoverRules.AWAITS_APPROVAL))));
        b.alert(FailoverRules.SWITCHOVER_APPROVAL, Severity.WARNING, home,
                why + ": POST /approve (lifeboat approve) when ready");
        return b.reason(why).unsettled().build();
    }
}
