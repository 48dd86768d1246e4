package io.lifeboat.failover.decision;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.Severity;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.PendingDecision;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.RunKind;
import io.lifeboat.failover.state.RunOutcome;
import io.lifeboat.failover.state.RunStart;
import io.lifeboat.failover.state.StepProgress;
import io.lifeboat.failover.state.SwitchoverApproval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The decision rules, pure: state, observations and time in; next state, events and a reason in words out. Every
 * rule that does nothing says why, and that reason is recorded like any other.
 *
 * <p>Automatic failover needs all of: a DOWN verdict for the ACTIVE site with quorum evidence (enough agreeing
 * observers in enough locations), held for the grace period; the standby UP; the last lag into the standby within
 * the allowed data loss (and not stale); every database link into the standby known to be consistent (its copy
 * complete, no table stopped, no gap); no failover within the cooldown; mode {@code auto}; not paused
 * ({@link MaintenanceMode}). Anything less asks a person (AWAITING_APPROVAL and an alert). The conditions
 * themselves, in words, are {@link Conditions}.
 */
public final class FailoverRules {

    public static final String APPROVAL_NEEDED = "APPROVAL_NEEDED";
    /** An automatically started failback waits for a person before its switchover. */
    public static final String SWITCHOVER_APPROVAL = "SWITCHOVER_APPROVAL_NEEDED";
    /** The catch-up step's result that holds a failback before the switchover, and its value while it holds. */
    /** A run that cannot go on by itself (a step out of attempts); resolved by a retry, a skip or an abort. */
    public static final String STUCK_ALERT = "FAILOVER_STUCK";

    /** The hold in words, for people (the step's results); the hold itself is {@link SwitchoverApproval}. */
    public static final String AWAITS_APPROVAL = "awaits an operator's approval";
    private static final Set<FailoverPhase> RUNNING = Set.of(FailoverPhase.FAILING_OVER, FailoverPhase.FAILING_BACK,
            FailoverPhase.STUCK);

    private FailoverRules() {
    }

    // --- verdicts ------------------------------------------------------------------------------------------------

    /** A verdict arrived; {@code obs} already includes it. */
    public static Transition onVerdict(DrState s, Observations obs, SiteVerdictChanged v, Context cx) {
        Policy p = cx.policy();
        String site = v.siteId();
        String what = site + " " + v.verdict() + " (transition " + v.transitionId() + ")";
        Transition.Builder b = Transition.from(s, cx);
        if (s.handled(v.transitionId())) {
            return b.decision("NO_ACTION", "duplicate verdict " + what + ": already handled", site, v.transitionId(),
                    cx.self()).build();
        }
        b.state(s.withHandled(v.transitionId()));
        if (v.since() != null && s.epochStartedAt() != null && v.since().isBefore(s.epochStartedAt())) {
            return b.decision("NO_ACTION", "stale verdict " + what + " from " + v.since() + ", before epoch "
                    + s.epoch() + " began at " + s.epochStartedAt(), site, v.transitionId(), cx.self()).build();
        }
        if (!p.knowsSite(site)) {
            return b.decision("NO_ACTION", "verdict " + what + " is about a site that is not configured", site,
                    v.transitionId(), cx.self()).build();
        }
        if (site.equals(s.standbySite())) {
            return b.decision("NO_ACTION", "verdict about standby " + what + ": only the active site's outages "
                    + "start a decision", site, v.transitionId(), cx.self()).build();
        }
        switch (v.verdict()) {
            case DOWN -> {
                if (RUNNING.contains(s.phase())) {
                    return b.decision("NO_ACTION", what + ": " + underWay(s), site, v.transitionId(), cx.self()).build();
                }
                if (s.pending() != null) {
                    return b.decision("NO_ACTION", what + ": a decision about " + site + " is already pending (since "
                            + s.pending().startedAt() + ")", site, v.transitionId(), cx.self()).build();
                }
                Instant since = v.since() != null ? v.since() : cx.now();
                Instant failingSince = v.evidence() != null && v.evidence().failingSince() != null
                        ? v.evidence().failingSince() : since;
                String evidence = Words.evidence(v.evidence());
                String deciding = "deciding: " + site + " DOWN by " + evidence;
                PendingDecision pending = new PendingDecision(UUID.randomUUID().toString(), site, v.transitionId(),
                        since, failingSince, evidence, cx.now(), false, deciding);
                b.state(b.state().withPending(pending).withPhase(FailoverPhase.DECIDING, deciding));
                b.history("DECISION", "DECIDING", deciding + " (" + v.reason() + ")", cx.self());
                b.reason(deciding);
                String noQuorum = Conditions.quorumProblem(v.evidence(), p);
                if (s.paused() != null) {
                    return awaitApproval(b, s.paused().why() + " (" + site + " DOWN by " + evidence + ")", cx).build();
                }
                if (p.mode() == Mode.MANUAL) {
                    return awaitApproval(b, "mode manual: an operator decides (" + site + " DOWN by " + evidence + ")",
                            cx).build();
                }
                if (noQuorum != null) {
                    return awaitApproval(b, noQuorum + " (" + site + " DOWN)", cx).build();
                }
                return evaluate(b, obs, cx).build();
            }
            case UP -> {
                if (s.pending() != null) {
                    return cancel(b, "cancelled: " + site + " UP again before the switch (" + v.reason() + ")",
                            v.transitionId(), cx).build();
                }
                if (RUNNING.contains(s.phase())) {
                    return b.decision("NO_ACTION", what + " again, but " + underWay(s) + ": not cancelled", site,
                            v.transitionId(), cx.self()).build();
                }
                return b.decision("NO_ACTION", what + ": the active site is up", site, v.transitionId(), cx.self())
                        .build();
            }
            default -> {
                if (s.pending() != null && !s.pending().awaitingApproval()) {
                    return awaitApproval(b, site + " now " + v.verdict() + ": the DOWN evidence no longer holds "
                            + "for an automatic failover", cx).build();
                }
                return b.decision("NO_ACTION", what + ": only DOWN starts a decision", site, v.transitionId(),
                        cx.self()).build();
            }
        }
    }

    /** Time passed: a decision inside its grace period may now be ready. */
    public static Transition onTick(DrState s, Observations obs, Context cx) {
        if (s.phase() == FailoverPhase.ON_DR) {
            return AutomaticReverse.onTick(s, obs, cx);
        }
        if (s.phase() != FailoverPhase.DECIDING || s.pending() == null || s.pending().awaitingApproval()) {
            return Transition.idle(s, "nothing pending");
        }
        return evaluate(Transition.from(s, cx), obs, cx).build();
    }

    private static Transition.Builder evaluate(Transition.Builder b, Observations obs, Context cx) {
        DrState s = b.state();
        Policy p = cx.policy();
        PendingDecision pending = s.pending();
        String site = pending.siteId();
        Duration held = Duration.between(pending.verdictSince(), cx.now());
        String down = site + " DOWN by " + pending.evidence() + " for " + Words.duration(held);
        if (s.paused() != null) {
            return awaitApproval(b, s.paused().why() + " (" + down + ")", cx);
        }
        if (held.compareTo(p.grace()) < 0) {
            return b.reason("waiting: " + site + " DOWN for " + Words.duration(held) + " of grace "
                    + Words.duration(p.grace()));
        }
        List<String> problems = new ArrayList<>();
        String standby = s.standbySite();
        String standbyProblem = Conditions.standbyProblem(obs, standby);
        if (standbyProblem != null) {
            problems.add(standbyProblem);
        }
        Conditions.LagCheck lag = Conditions.lagCheck(obs, standby, pending.outageSince(), p);
        problems.addAll(lag.problems());
        problems.addAll(Conditions.consistencyProblems(obs, standby, p));
        if (s.lastFailoverAt() != null && s.lastFailoverAt().plus(p.cooldown()).isAfter(cx.now())) {
            problems.add("last failover " + Words.duration(Duration.between(s.lastFailoverAt(), cx.now()))
                    + " ago, within the cooldown of " + Words.duration(p.cooldown()));
        }
        if (!problems.isEmpty()) {
            return awaitApproval(b, String.join("; ", problems) + " (" + down + ")", cx);
        }
        String why = "failover: " + down + ", " + standby + " UP, lag " + Words.millis(lag.maxLagMs());
        b.decision("FAIL_OVER", why, site, pending.transitionId(), cx.self());
        Runbooks.start(b, cx, RunStart.failover(s.activeSite(), standby, pending.outageSince(), why, cx.self()));
        return b.reason(why);
    }

    private static Transition.Builder awaitApproval(Transition.Builder b, String why, Context cx) {
        DrState s = b.state();
        PendingDecision pending = s.pending();
        b.state(s.withPending(pending.awaiting(why)).withPhase(FailoverPhase.AWAITING_APPROVAL, "awaiting approval: " + why));
        b.decision("AWAIT_APPROVAL", why, pending.siteId(), pending.transitionId(), cx.self());
        b.alert(APPROVAL_NEEDED, Severity.CRITICAL, pending.siteId(), "failover needs an operator: " + why);
        return b.reason("awaiting approval: " + why);
    }

    private static Transition.Builder cancel(Transition.Builder b, String why, String transitionId, Context cx) {
        DrState s = b.state();
        PendingDecision pending = s.pending();
        b.state(s.withPending(null).withPhase(s.restingPhase(cx.policy().homeSite()), why));
        b.decision("CANCEL", why, pending.siteId(), transitionId, cx.self());
        if (pending.awaitingApproval()) {
            b.resolve(APPROVAL_NEEDED, pending.siteId(), why);
        }
        return b.reason(why);
    }

    private static String underWay(DrState s) {
        Run run = s.run();
        if (run == null) {
            return "phase " + s.phase();
        }
        StepProgress step = run.current();
        return "the " + run.kind().name().toLowerCase() + " runbook is under way (" + s.phase() + ", step "
                + run.currentStep() + (step == null ? "" : " " + step.name()) + ")";
    }

    // --- operators -----------------------------------------------------------------------------------------------

    /** {@code POST /failover}: an operator moves the service to the standby (planned or in an outage). */
    public static Transition requestFailover(DrState s, Observations obs, String actor, String role, String reason,
            boolean force, Context cx) {
        requireReason(reason);
        if (RUNNING.contains(s.phase())) {
            throw new Refused("cannot fail over: " + underWay(s) + "; abort it first");
        }
        Policy p = cx.policy();
        String from = s.activeSite();
        String to = s.standbySite();
        List<String> problems = new ArrayList<>();
        String standbyProblem = Conditions.standbyProblem(obs, to);
        if (standbyProblem != null) {
            problems.add(standbyProblem);
        }
        PendingDecision pending = s.pending();
        Instant outageSince = pending != null ? pending.outageSince() : cx.now();
        problems.addAll(Conditions.lagCheck(obs, to, outageSince, p).problems());
        problems.addAll(Conditions.consistencyProblems(obs, to, p));
        if (!problems.isEmpty() && !force) {
            throw new Refused("refused: " + String.join("; ", problems) + "; add force to fail over anyway");
        }
        Transition.Builder b = Transition.from(s, cx);
        String why = "operator " + actor + " failover to " + to + ": " + reason
                + (problems.isEmpty() ? "" : " (forced past: " + String.join("; ", problems) + ")");
        b.operator(actor, role, "failover", s.stateId(), reason, "failover to " + to + " started"
                + (force ? " (force)" : "") + passed(problems));
        b.decision("FAIL_OVER", why, from, pending == null ? null : pending.transitionId(), actor);
        if (pending != null && pending.awaitingApproval()) {
            b.resolve(APPROVAL_NEEDED, pending.siteId(), why);
        }
        Runbooks.start(b, cx, RunStart.failover(from, to, pending == null ? null : pending.outageSince(), why, actor)
                .forcedIf(force));
        return b.reason(why).build();
    }

    /**
     * {@code POST /approve}: the pending decision goes ahead as a failover. A standby not known to be consistent is
     * named in the audit (decision and operator event) as passed by this person, whatever the question was.
     */
    public static Transition approve(DrState s, Observations obs, String actor, String role, String reason,
            Context cx) {
        requireReason(reason);
        Run run = s.run();
        StepProgress held = run == null ? null : run.steps().stream()
                .filter(StepProgress::awaitingApproval).findFirst().orElse(null);
        if (held != null) {
            Transition.Builder b = Transition.from(s, cx);
            String home = cx.policy().homeSite();
            String why = "switchover to " + run.toSite() + " approved by " + actor + ": " + reason;
            b.state(s.withRun(run.withStep(held.withApproval(SwitchoverApproval.APPROVED, "approved by " + actor))));
            b.operator(actor, role, "approve", run.runId(), reason, "switchover approved");
            b.decision("APPROVED", why, home, null, actor);
            b.resolve(SWITCHOVER_APPROVAL, home, why);
            return b.reason(why).unsettled().build();
        }
        PendingDecision pending = s.pending();
        if (pending == null || (s.phase() != FailoverPhase.AWAITING_APPROVAL && s.phase() != FailoverPhase.DECIDING)) {
            throw new Refused("nothing awaits approval (phase " + s.phase() + ")");
        }
        Transition.Builder b = Transition.from(s, cx);
        List<String> inconsistent = Conditions.consistencyProblems(obs, s.standbySite(), cx.policy());
        String why = "approved by " + actor + ": " + reason + " (asked because: " + pending.reason() + ")"
                + (inconsistent.isEmpty() ? "" : "; standby not consistent, approved past: "
                        + String.join("; ", inconsistent));
        b.operator(actor, role, "approve", s.stateId(), reason, "failover to " + s.standbySite() + " started"
                + passed(inconsistent));
        b.decision("APPROVED", why, pending.siteId(), pending.transitionId(), actor);
        b.resolve(APPROVAL_NEEDED, pending.siteId(), why);
        Runbooks.start(b, cx, RunStart.failover(s.activeSite(), s.standbySite(), pending.outageSince(), why, actor)
                .forcedIf(true));
        return b.reason(why).build();
    }

    /** {@code POST /abort}: drop a pending decision, or stop a runbook (steps done are not undone). */
    public static Transition abort(DrState s, String actor, String role, String reason, Context cx) {
        requireReason(reason);
        Transition.Builder b = Transition.from(s, cx);
        String home = cx.policy().homeSite();
        if (s.pending() != null) {
            PendingDecision pending = s.pending();
            String why = "aborted by " + actor + ": " + reason + "; " + s.activeSite() + " stays active";
            b.state(s.withPending(null).withPhase(s.restingPhase(home), why));
            b.operator(actor, role, "abort", s.stateId(), reason, "pending decision dropped");
            b.decision("ABORTED", why, pending.siteId(), pending.transitionId(), actor);
            b.resolve(APPROVAL_NEEDED, pending.siteId(), why);
            return b.reason(why).build();
        }
        if (s.run() != null && RUNNING.contains(s.phase())) {
            Run run = s.run();
            List<String> done = run.steps().stream().filter(st -> st.status().finished()).map(StepProgress::name).toList();
            String why = "aborted by " + actor + " at step " + run.currentStep() + " " + run.current().name() + ": "
                    + reason + "; steps done are not undone (" + String.join(", ", done) + "); " + s.activeSite()
                    + " is active";
            b.state(s.withRunFinished(run.finished(cx.now(), RunOutcome.ABORTED, null, null))
                    .withPhase(s.restingPhase(home), why));
            b.operator(actor, role, "abort", run.runId(), reason, "runbook stopped");
            b.decision("ABORTED", why, run.fromSite(), null, actor);
            b.resolve(STUCK_ALERT, run.fromSite(), why);
            return b.reason(why).build();
        }
        throw new Refused("nothing to abort (phase " + s.phase() + ")");
    }

    /** {@code POST /failback}: reverse replication, catch up, planned switchover back home. */
    public static Transition requestFailback(DrState s, Observations obs, String actor, String role, String reason,
            boolean force, Context cx) {
        requireReason(reason);
        String home = cx.policy().homeSite();
        if (s.phase() != FailoverPhase.ON_DR || home.equals(s.activeSite())) {
            throw new Refused("failback needs phase ON_DR with " + home + " on standby (phase " + s.phase()
                    + ", active " + s.activeSite() + ")");
        }
        String unfenced = FenceOnReturn.failbackProblem(s);
        if (unfenced != null) {
            throw new Refused("refused: " + unfenced);
        }
        String homeProblem = Conditions.standbyProblem(obs, home);
        if (homeProblem != null && !force) {
            throw new Refused("refused: " + homeProblem + "; add force to go ahead anyway");
        }
        Transition.Builder b = Transition.from(s, cx);
        String why = "operator " + actor + " failback to " + home + ": " + reason
                + (homeProblem == null ? "" : " (forced past: " + homeProblem + ")");
        b.operator(actor, role, "failback", s.stateId(), reason, "failback to " + home + " started");
        b.decision("FAIL_BACK", why, home, null, actor);
        Runbooks.start(b, cx, RunStart.failback(s.activeSite(), home, why, actor).forcedIf(force));
        return b.reason(why).build();
    }

    /** {@code POST /steps/{n}/retry}: a STUCK step gets a fresh set of attempts. */
    public static Transition retryStep(DrState s, int step, String actor, String role, String reason, Context cx) {
        requireReason(reason);
        Run run = stuckAt(s, step);
        Transition.Builder b = Transition.from(s, cx);
        String why = "step " + step + " " + run.current().name() + " retried by " + actor + ": " + reason;
        b.state(s.withRun(run.withStep(run.current().resetForRetry())).withPhase(runningPhase(run), why));
        b.operator(actor, role, "retry step " + step, run.runId(), reason, "step " + step + " retried");
        b.resolve(STUCK_ALERT, run.fromSite(), why);
        return b.reason(why).unsettled().build();
    }

    /** {@code POST /steps/{n}/skip}: a STUCK step is passed over (the operator did it by hand, or it does not matter). */
    public static Transition skipStep(DrState s, int step, String actor, String role, String reason, Context cx) {
        requireReason(reason);
        Run run = stuckAt(s, step);
        if (step == 1 || step == run.steps().size()) {
            throw new Refused("step " + step + " " + run.current().name() + " cannot be skipped");
        }
        Transition.Builder b = Transition.from(s, cx);
        String why = "step " + step + " " + run.current().name() + " skipped by " + actor + ": " + reason;
        b.state(s.withPhase(runningPhase(run), why));
        b.operator(actor, role, "skip step " + step, run.runId(), reason, "step " + step + " skipped");
        Runbooks.skip(b, cx, why);
        b.resolve(STUCK_ALERT, run.fromSite(), why);
        return b.reason(why).unsettled().build();
    }

    private static Run stuckAt(DrState s, int step) {
        if (s.phase() != FailoverPhase.STUCK || s.run() == null) {
            throw new Refused("no runbook is STUCK (phase " + s.phase() + ")");
        }
        if (s.run().currentStep() != step) {
            throw new Refused("the runbook is stuck at step " + s.run().currentStep() + ", not " + step);
        }
        return s.run();
    }

    private static FailoverPhase runningPhase(Run run) {
        return run.kind() == RunKind.FAILOVER ? FailoverPhase.FAILING_OVER : FailoverPhase.FAILING_BACK;
    }

    /** What an operator's action went past, for its audit event's result. */
    private static String passed(List<String> problems) {
        return problems.isEmpty() ? "" : " past: " + String.join("; ", problems);
    }

    static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required");
        }
    }
}
