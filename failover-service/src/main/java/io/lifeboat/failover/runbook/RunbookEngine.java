package io.lifeboat.failover.runbook;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.PromotionResult;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.Severity;
import io.lifeboat.events.StepStatus;
import io.lifeboat.failover.decision.Context;
import io.lifeboat.failover.decision.FailoverRules;
import io.lifeboat.failover.decision.FenceOnReturn;
import io.lifeboat.failover.decision.Observations;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.decision.Runbooks;
import io.lifeboat.failover.state.StepKind;
import io.lifeboat.failover.decision.Transition;
import io.lifeboat.failover.decision.Words;
import io.lifeboat.failover.dns.DnsSwitcher;
import io.lifeboat.failover.dns.DnsSwitcher.Verification;
import io.lifeboat.failover.dns.DnsTarget;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Outgoing;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.RunKind;
import io.lifeboat.failover.state.RunOutcome;
import io.lifeboat.failover.state.StepProgress;
import io.lifeboat.failover.state.StepState;
import io.lifeboat.failover.state.UnfencedLoss;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Moves a run forward by one thing at a time, from what is persisted in the state: start an attempt (commands go
 * out in the same transaction as the state saying so), see whether its answers arrived, time it out, retry it, or
 * stop the run as STUCK. Because the attempt's command ids are in the state, a restarted leader resumes where the
 * last one stopped and never issues a command twice for one attempt.
 *
 * <p>The only side effects are the DNS provider's, on a step whose start was already written (so a fenced former
 * leader fails before it touches DNS).
 */
public final class RunbookEngine {

    private final Function<String, DnsTarget> targets;
    private final DnsSwitcher dns;

    public RunbookEngine(DnsSwitcher dns, Function<String, DnsTarget> targets) {
        this.dns = dns;
        this.targets = targets;
    }

    /** One move of the run in progress, or a quiet transition when there is none or it is waiting. */
    public Transition advance(DrState s, Observations obs, Function<String, CommandFinished> replies, Context cx) {
        if (s.run() == null || (s.phase() != FailoverPhase.FAILING_OVER && s.phase() != FailoverPhase.FAILING_BACK)) {
            return Transition.idle(s, "no runbook under way");
        }
        Run run = s.run();
        StepProgress step = run.current();
        StepKind kind = step.kind();
        Transition.Builder b = Transition.from(s, cx);
        return switch (step.status()) {
            case PENDING -> startAttempt(b, cx, run, step, kind, null).build();
            case RUNNING -> execute(b, cx, obs, replies, run, step, kind).build();
            default -> Transition.quiet(s, "step " + step.number() + " " + step.name() + " is " + step.status());
        };
    }

    // --- attempts ------------------------------------------------------------------------------------------------

    private Transition.Builder startAttempt(Transition.Builder b, Context cx, Run run, StepProgress step,
            StepKind kind, String why) {
        int attempt = step.attempts() + 1;
        List<CommandIssued> commands = commands(cx, run, step, kind, attempt);
        Map<String, String> ids = new LinkedHashMap<>();
        commands.forEach(c -> ids.put(c.command() + " " + c.target(), c.commandId()));
        StepProgress started = step.attempt(cx.now(), ids, why);
        Run next = run.withStep(started);
        if (kind == StepKind.FENCE_ACTIVE && attempt == 1) {
            next = next.withWritesStoppedAt(cx.now());
        }
        b.state(b.state().withRun(next));
        commands.forEach(c -> b.send(new Outgoing<>(EventTypes.COMMAND_ISSUED, c)));
        String what = commands.isEmpty() ? "" : ": " + String.join(", ", ids.keySet());
        b.step(next, started, StepStatus.STARTED, null, "attempt " + attempt + " of " + cx.policy().stepAttempts() + what);
        return b.reason("step " + step.number() + " " + step.name() + " started (attempt " + attempt + ")" + what)
                .unsettled();
    }

    private Transition.Builder execute(Transition.Builder b, Context cx, Observations obs,
            Function<String, CommandFinished> replies, Run run, StepProgress step, StepKind kind) {
        Duration elapsed = Duration.between(step.attemptStartedAt(), cx.now());
        Policy p = cx.policy();
        switch (kind) {
            case RECORD -> {
                return complete(b, cx, run, step, "decision recorded", Map.of());
            }
            case DONE -> {
                return finishRun(b, cx, run, step);
            }
            case CATCH_UP -> {
                return catchUp(b, cx, obs, run, step, elapsed);
            }
            case SWITCH_DNS -> {
                DnsTarget target = targets.apply(run.toSite());
                try {
                    String done = dns.switchTo(target, run.epoch());
                    return complete(b, cx, run, step, done, Map.of("target", run.toSite()));
                } catch (DnsSwitcher.EpochRefusedException e) {
                    // DNS holds a newer epoch: no attempt of this one can succeed, so none is made.
                    return stuck(b, cx, run, step, "STUCK at step " + step.number() + " " + step.name()
                            + ", not retried: " + e.getMessage(), e.getMessage());
                } catch (DnsSwitcher.DnsException | RuntimeException e) {
                    return attemptFailed(b, cx, run, step, "DNS update failed: " + e.getMessage());
                }
            }
            case VERIFY_DNS -> {
                Verification v = dns.verify(targets.apply(run.toSite()), p.dnsTimeout());
                if (v.verified()) {
                    // Users reach the new site from here on: what comes after (reprotecting home) is not downtime.
                    return complete(b, cx, run.measuredAt(cx.now()), step, v.summary(), v.answers());
                }
                return attemptFailed(b, cx, run, step, "DNS not verified: " + v.summary());
            }
            default -> {
                return awaitCommands(b, cx, replies, run, step, kind, elapsed);
            }
        }
    }

    private Transition.Builder awaitCommands(Transition.Builder b, Context cx,
            Function<String, CommandFinished> replies, Run run, StepProgress step, StepKind kind, Duration elapsed) {
        Map<String, String> results = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        long maxLoss = -1;
        boolean lossUnknown = false;
        String position = null;
        for (Map.Entry<String, String> command : step.commands().entrySet()) {
            CommandFinished reply = replies.apply(command.getValue());
            if (reply == null || reply.epoch() != run.epoch()) {
                waiting.add(command.getKey());
                continue;
            }
            if (reply.outcome() != CommandOutcome.DONE) {
                problems.add(command.getKey() + " " + reply.outcome() + ": " + reply.reason());
                continue;
            }
            Map<String, String> details = reply.details() == null ? Map.of() : reply.details();
            details.forEach((k, v) -> results.put(command.getKey().replace(' ', '.') + "." + k, v));
            PromotionResult promoted = reply.promotion();
            if (promoted != null) {
                // The window of the run is the widest of its links'; one not known makes the run's not known.
                lossUnknown |= promoted.dataLossWindowMs() == null;
                if (promoted.dataLossWindowMs() != null) {
                    maxLoss = Math.max(maxLoss, promoted.dataLossWindowMs());
                }
                position = promoted.appliedPosition();
            }
        }
        Duration timeout = timeoutOf(kind, cx.policy());
        boolean tolerant = kind == StepKind.FENCE_LOST;
        if (!problems.isEmpty() || (!waiting.isEmpty() && elapsed.compareTo(timeout) >= 0)) {
            if (!waiting.isEmpty()) {
                problems.add("no answer to " + String.join(", ", waiting) + " within " + Words.duration(timeout));
            }
            String why = String.join("; ", problems);
            if (tolerant) {
                // Typed, so that the site is fenced the moment it answers again (FenceOnReturn).
                String lost = "old active " + run.fromSite() + " not fenced (" + why + ")";
                b.state(b.state().withUnfenced(UnfencedLoss.of(run.fromSite(), step.startedAt(), run.runId(), lost)));
                b.alert(FenceOnReturn.UNFENCED_ALERT, Severity.CRITICAL, run.fromSite(), lost
                        + ": it may still take writes; Lifeboat fences it as soon as it answers");
                return complete(b, cx, run, step, lost + ": recorded, going on; fenced when it answers again",
                        Map.of("fenced", "false"));
            }
            return attemptFailed(b, cx, run, step, why);
        }
        if (!waiting.isEmpty()) {
            return b.reason("waiting " + Words.duration(elapsed) + " of " + Words.duration(timeout) + " for "
                    + String.join(", ", waiting));
        }
        if (kind == StepKind.PROMOTE) {
            Long loss = maxLoss < 0 || lossUnknown ? null : maxLoss;
            b.state(b.state().withRun(run.withDataLoss(loss, position)));
            run = b.state().run();
            results.put("dataLossWindowMs", loss == null ? "unknown" : Long.toString(loss));
        }
        if (tolerant) {
            results.put("fenced", "true");
        }
        return complete(b, cx, run, step, String.join(", ", step.commands().keySet()) + " done", results);
    }

    private Transition.Builder catchUp(Transition.Builder b, Context cx, Observations obs, Run run, StepProgress step,
            Duration elapsed) {
        Policy p = cx.policy();
        List<ReplicationLag> lags = obs.lagsInto(run.toSite()).stream()
                .filter(l -> p.databaseLinks().contains(l.linkId()) || p.fileLinks().contains(l.linkId())).toList();
        List<String> behind = new ArrayList<>();
        for (String link : p.databaseLinks()) {
            ReplicationLag lag = lags.stream().filter(l -> l.linkId().equals(link)).findFirst().orElse(null);
            if (lag == null || lag.measuredAt() == null || lag.measuredAt().isBefore(step.attemptStartedAt())) {
                behind.add(link + ": no lag report into " + run.toSite() + " since the step started");
            } else if (lag.lagMs() > p.failbackMaxLag().toMillis()) {
                behind.add(link + ": lag " + Words.millis(lag.lagMs()) + " above " + Words.duration(p.failbackMaxLag()));
            } else if (lag.consistency() == null || !lag.consistency().consistent()) {
                // A standby still being copied has no lag worth the name: the switchover waits for a whole copy.
                behind.add(link + ": " + (lag.consistency() == null ? "standby consistency not reported"
                        : lag.consistency().reason()));
            }
        }
        if (behind.isEmpty() && step.awaitingApproval()) {
            return b.reason("reverse replication caught up; the switchover waits for an operator's approval "
                    + "(POST /approve)");
        }
        if (behind.isEmpty()) {
            return complete(b, cx, run, step, "reverse replication caught up (lag at most "
                    + Words.duration(p.failbackMaxLag()) + ")", Map.of());
        }
        if (elapsed.compareTo(p.catchUpTimeout()) >= 0) {
            return attemptFailed(b, cx, run, step, "not caught up within " + Words.duration(p.catchUpTimeout()) + ": "
                    + String.join("; ", behind));
        }
        return b.reason("waiting for reverse replication to catch up: " + String.join("; ", behind));
    }

    private Transition.Builder attemptFailed(Transition.Builder b, Context cx, Run run, StepProgress step, String why) {
        int max = cx.policy().stepAttempts();
        if (step.attempts() < max) {
            String retrying = "attempt " + step.attempts() + " of " + max + " failed: " + why + "; retrying";
            b.step(run, step, StepStatus.FAILED, Duration.between(step.attemptStartedAt(), cx.now()).toMillis(), retrying);
            return startAttempt(b, cx, run, step, step.kind(), retrying);
        }
        return stuck(b, cx, run, step, "STUCK at step " + step.number() + " " + step.name() + " after " + max
                + " attempts: " + why, why);
    }

    private Transition.Builder stuck(Transition.Builder b, Context cx, Run run, StepProgress step, String stuck,
            String why) {
        StepProgress failed = step.finish(StepState.FAILED, cx.now(), why, Map.of());
        Run next = run.withStep(failed);
        b.state(b.state().withRun(next).withPhase(FailoverPhase.STUCK, stuck));
        b.step(next, failed, StepStatus.FAILED, failed.durationMs(), stuck);
        b.alert(FailoverRules.STUCK_ALERT, Severity.CRITICAL, run.toSite(), stuck + "; retry, skip or abort (lifeboat retry|skip|abort)");
        return b.reason(stuck);
    }

    private static Transition.Builder complete(Transition.Builder b, Context cx, Run run, StepProgress step, String why,
            Map<String, String> results) {
        StepProgress done = step.finish(StepState.COMPLETED, cx.now(), why, results);
        b.step(run, done, StepStatus.COMPLETED, done.durationMs(), why);
        Runbooks.moveOn(b, run.withStep(done), step.kind());
        return b.reason("step " + step.number() + " " + step.name() + " completed: " + why).unsettled();
    }

    private Transition.Builder finishRun(Transition.Builder b, Context cx, Run run, StepProgress step) {
        Instant verifiedAt = cx.now();
        // Taken when DNS was verified; a run that skipped verification is measured up to its end.
        Run measured = run.measured() ? run : run.measuredAt(verifiedAt);
        Long recovery = measured.recoveryTimeMs();
        Long writesUnavailable = measured.writesUnavailableMs();
        StringBuilder why = new StringBuilder(run.kind().name().toLowerCase()).append(" complete: ")
                .append(run.toSite()).append(" active at epoch ").append(run.epoch());
        Map<String, String> results = new LinkedHashMap<>();
        if (recovery != null) {
            why.append("; recovery time ").append(Words.millis(recovery)).append(" (outage start → DNS verified)");
            results.put("recoveryTimeMs", Long.toString(recovery));
        } else {
            long total = Duration.between(run.startedAt(), verifiedAt).toMillis();
            why.append("; runbook took ").append(Words.millis(total));
            results.put("runbookMs", Long.toString(total));
        }
        if (writesUnavailable != null) {
            why.append("; writes unavailable ").append(Words.millis(writesUnavailable));
            results.put("writesUnavailableMs", Long.toString(writesUnavailable));
        }
        why.append("; data-loss window ").append(run.dataLossWindowMs() == null ? "unknown"
                : Words.millis(run.dataLossWindowMs()));
        results.put("dataLossWindowMs", run.dataLossWindowMs() == null ? "unknown" : Long.toString(run.dataLossWindowMs()));
        StepProgress done = step.finish(StepState.COMPLETED, cx.now(), why.toString(), results);
        Run finished = run.withStep(done).finished(cx.now(), RunOutcome.COMPLETED, recovery, writesUnavailable);
        b.step(finished, done, StepStatus.COMPLETED, done.durationMs(), why.toString());
        DrState s = b.state().withRunFinished(finished);
        if (run.kind() == RunKind.FAILOVER) {
            s = s.withLastFailoverAt(cx.now());
        }
        b.state(s.withPhase(s.restingPhase(cx.policy().homeSite()), why.toString()));
        return b.reason(why.toString());
    }

    // --- what each step asks of the other services -----------------------------------------------------------------

    static List<CommandIssued> commands(Context cx, Run run, StepProgress step, StepKind kind, int attempt) {
        Policy p = cx.policy();
        List<CommandIssued> out = new ArrayList<>();
        String because = run.kind().name().toLowerCase() + " " + run.runId() + " step " + step.number() + " "
                + step.name() + ": " + run.decisionReason();
        switch (kind) {
            case FENCE_LOST, FENCE_ACTIVE -> out.add(command(cx, run, step, attempt, CommandName.FENCE, run.fromSite(),
                    because, CommandParameters.fence(run.toSite(), false)));
            case DRAIN -> p.databaseLinks().forEach(link -> out.add(command(cx, run, step, attempt, CommandName.DRAIN,
                    link, because, CommandParameters.none())));
            case PROMOTE -> p.databaseLinks().forEach(link -> out.add(command(cx, run, step, attempt,
                    CommandName.PROMOTE, link, because, run.outageSince() == null
                            ? CommandParameters.plannedPromote(run.toSite())
                            : CommandParameters.promote(run.toSite(), run.outageSince()))));
            case REVERSE, REPROTECT -> {
                // REVERSE hands the links to the DR site's writes; REPROTECT, after the switchover, back to home's.
                String newSource = kind == StepKind.REVERSE ? run.fromSite() : run.toSite();
                p.databaseLinks().forEach(link -> out.add(command(cx, run, step, attempt, CommandName.REVERSE, link,
                        because, CommandParameters.reverse(newSource, false))));
                if (kind == StepKind.REVERSE) {
                    p.fileLinks().forEach(link -> out.add(command(cx, run, step, attempt, CommandName.RECONCILE, link,
                            because, CommandParameters.none())));
                }
            }
            default -> {
            }
        }
        return out;
    }

    private static CommandIssued command(Context cx, Run run, StepProgress step, int attempt, CommandName name,
            String target, String because, CommandParameters parameters) {
        String attemptId = step.operatorRetries() == 0 ? Integer.toString(attempt) : "r" + step.operatorRetries() + "." + attempt;
        String id = run.runId() + "/" + step.number() + "/" + attemptId + "/" + name.name().toLowerCase() + "/" + target;
        return new CommandIssued(id, name, run.epoch(), target, cx.self(), because, parameters, cx.now());
    }

    static Duration timeoutOf(StepKind kind, Policy p) {
        return switch (kind) {
            case FENCE_LOST -> p.fenceTimeout();
            case DRAIN, PROMOTE -> p.drainTimeout();
            case REVERSE, REPROTECT -> p.reverseTimeout();
            case CATCH_UP -> p.catchUpTimeout();
            case SWITCH_DNS, VERIFY_DNS -> p.dnsTimeout();
            default -> p.stepTimeout();
        };
    }
}
