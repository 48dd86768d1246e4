package io.lifeboat.failover.decision;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Outgoing;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.RunKind;
import io.lifeboat.failover.state.StepKind;
import io.lifeboat.failover.state.UnfencedLoss;

import java.time.Duration;
import java.util.function.Function;

/**
 * A site lost unfenced is fenced the moment it answers again, before anything else: pure, like the other rules.
 *
 * <p>While the DR state holds an {@link UnfencedLoss}, a FENCE to that site is always under way or about to be: one
 * at a time; after a failed one, the next goes out at once when its verdict turns UP or DEGRADED (it answers again),
 * and otherwise {@code fence-timeout} after the last, since a site can answer replication-service before its
 * observers say so; but until the run that lost the site has promoted, only when it answers (a FENCE sent blind would
 * hold the run's PROMOTE up). One left unanswered is sent again after {@value #UNANSWERED_AFTER} fence timeouts. The control loop
 * asks this rule first in every cycle, before the decision rules and the runbook engine, and a failback is refused
 * until the site is fenced. A DONE answer clears the record, goes into the history and raises
 * {@value #FENCED_ALERT}, which says how long the site was unfenced.
 */
public final class FenceOnReturn {

    /** Raised when a site is lost unfenced; resolved when it is fenced. */
    public static final String UNFENCED_ALERT = "SITE_UNFENCED";
    /** Raised when a site lost unfenced was fenced on its return: how long it could take writes. */
    public static final String FENCED_ALERT = "SITE_FENCED_ON_RETURN";

    /** How many fence timeouts a FENCE may stay unanswered before another is sent (a command lost on the way). */
    static final int UNANSWERED_AFTER = 6;

    private FenceOnReturn() {
    }

    public static Transition onTick(DrState s, Observations obs, Function<String, CommandFinished> replies,
            Context cx) {
        UnfencedLoss loss = s.unfenced();
        if (loss == null) {
            return Transition.quiet(s, "no site lost unfenced");
        }
        String site = loss.siteId();
        Transition.Builder b = Transition.from(s, cx);
        Run run = s.run();
        boolean beingLost = run != null && run.kind() == RunKind.FAILOVER && site.equals(run.fromSite());
        if (site.equals(s.activeSite()) && !beingLost) {
            // The failover that lost it ended before its promotion (aborted): fencing the active site would stop the
            // service. (Until that promotion the roles have not moved, and fencing it is what the run wants.)
            String why = site + " is the active site again (the failover that could not fence it ended before its"
                    + " promotion): no fence on return";
            b.state(s.withUnfenced(null));
            b.decision("FENCE_ON_RETURN_DROPPED", why, site, null, cx.self());
            b.resolve(UNFENCED_ALERT, site, why);
            return b.reason(why).build();
        }
        Duration unfencedFor = Duration.between(loss.since(), cx.now());
        if (loss.commandId() != null) {
            CommandFinished reply = replies.apply(loss.commandId());
            if (reply != null && reply.outcome() == CommandOutcome.DONE) {
                String why = site + " answered again and is fenced (" + loss.commandId() + "); it was unfenced for "
                        + Words.duration(unfencedFor) + " since " + loss.since() + " (lost unfenced by "
                        + loss.runId() + ")";
                b.state(s.withUnfenced(null));
                b.decision("FENCED_ON_RETURN", why, site, null, cx.self());
                b.alert(FENCED_ALERT, Severity.CRITICAL, site, why + "; rows it took in that time are not at "
                        + s.activeSite() + ": look for them at " + site);
                b.resolve(UNFENCED_ALERT, site, why);
                return b.reason(why).build();
            }
            if (reply != null) {
                // Tried again when the site answers, or when the fence timeout has passed: not in a tight loop.
                String why = "fence of " + site + " on its return failed (" + reply.outcome() + ": " + reply.reason()
                        + "); unfenced for " + Words.duration(unfencedFor);
                s = s.withUnfenced(loss.betweenAttempts());
                loss = s.unfenced();
                b.state(s).reason(why);
            }
        }
        // One FENCE at a time: replication-service runs commands one after the other, and FENCEs sent every fence
        // timeout while one waited unanswered (behind a long DRAIN) piled up, each a connect timeout, before the
        // failover's own PROMOTE (25 s in the sandbox's split-brain drill). An answer (DONE or FAILED) lets the
        // next go at once when the site answers; one unanswered for UNANSWERED_AFTER timeouts is sent again.
        boolean underWay = loss.commandId() != null;
        Duration timeout = cx.policy().fenceTimeout();
        Duration sinceAttempt = loss.attemptStartedAt() == null ? null
                : Duration.between(loss.attemptStartedAt(), cx.now());
        String answers = underWay ? null : answering(obs, loss);
        boolean due = sinceAttempt == null || !underWay && !sinceAttempt.minus(timeout).isNegative()
                || !sinceAttempt.minus(timeout.multipliedBy(UNANSWERED_AFTER)).isNegative();
        // Until the run that lost the site has promoted, a FENCE goes out only when the site answers: one sent blind
        // (the run's own FENCE has just failed) waits behind the DRAIN and then holds the PROMOTE up by a connect
        // timeout (5 s in the sandbox's split-brain drill). The site's warden fences it meanwhile.
        boolean promotionPending = beingLost && run.steps().stream()
                .anyMatch(step -> step.kind() == StepKind.PROMOTE && !step.status().finished());
        if (answers != null || due && !promotionPending) {
            String why = (answers != null ? site + " answers again (" + answers + ")"
                    : site + " still not fenced, trying again every " + Words.duration(cx.policy().fenceTimeout()))
                    + "; unfenced for " + Words.duration(unfencedFor);
            return send(b, cx, why, answers).build();
        }
        String waiting = "waiting for " + site + " to answer (or " + (loss.commandId() != null ? loss.commandId()
                : promotionPending ? "the promotion" : "the next attempt") + "); unfenced for "
                + Words.duration(unfencedFor);
        return loss.commandId() == null && b.build().changed() ? b.build() : Transition.quiet(s, waiting);
    }

    /** Whether the failback may start: not while a site lost unfenced is not fenced yet. Null when it may. */
    public static String failbackProblem(DrState s) {
        UnfencedLoss loss = s.unfenced();
        return loss == null ? null : loss.siteId() + " was lost unfenced (since " + loss.since()
                + ") and is not fenced yet: it is fenced first, as soon as it answers";
    }

    /**
     * The verdict that says the site answers, when it came after the last FENCE went out (so that one could not have
     * reached it); null otherwise.
     */
    private static String answering(Observations obs, UnfencedLoss loss) {
        SiteVerdictChanged v = obs.verdict(loss.siteId());
        if (v == null || (v.verdict() != Verdict.UP && v.verdict() != Verdict.DEGRADED)) {
            return null;
        }
        if (loss.attemptStartedAt() != null && v.since() != null && !v.since().isAfter(loss.attemptStartedAt())) {
            return null;
        }
        return "verdict " + v.verdict() + " since " + v.since();
    }

    private static Transition.Builder send(Transition.Builder b, Context cx, String why, String answers) {
        DrState s = b.state();
        UnfencedLoss loss = s.unfenced();
        int attempt = loss.attempts() + 1;
        String id = "fence-on-return/" + loss.runId() + "/" + attempt + "/fence/" + loss.siteId();
        CommandIssued fence = new CommandIssued(id, CommandName.FENCE, s.epoch(), loss.siteId(), cx.self(),
                "fence on return: " + loss.reason(), CommandParameters.fence(s.activeSite(), true),
                cx.now());
        b.state(s.withUnfenced(loss.attempting(id, cx.now())));
        b.send(new Outgoing<>(EventTypes.COMMAND_ISSUED, fence));
        if (answers != null || attempt == 1) {
            b.decision("FENCE_ON_RETURN", why + ": FENCE " + loss.siteId() + " (attempt " + attempt + ")",
                    loss.siteId(), null, cx.self());
        }
        return b.reason(why + ": FENCE " + loss.siteId() + " sent (attempt " + attempt + ")").unsettled();
    }
}
