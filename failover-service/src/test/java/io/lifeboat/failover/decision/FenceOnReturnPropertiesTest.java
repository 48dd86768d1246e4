package io.lifeboat.failover.decision;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.Verdict;
import io.lifeboat.failover.runbook.Driver;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Outgoing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failover whose old active site did not answer its FENCE, then generated sequences of what may follow: the lost
 * site's verdicts (it comes back, flaps, goes again), answers to the fences sent to it (done, failed, none), time
 * passing, and operators asking for the failback, run through the real rule and the real control-loop order.
 */
class FenceOnReturnPropertiesTest {

    sealed interface Step permits VerdictStep, AnswerStep, TickStep, FailbackStep {
    }

    record VerdictStep(Verdict verdict) implements Step {
    }

    /** Answers the newest FENCE sent, if any is unanswered. */
    record AnswerStep(CommandOutcome outcome) implements Step {
    }

    record TickStep(int millis) implements Step {
    }

    record FailbackStep() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> verdict = Arbitraries.of(Verdict.UP, Verdict.DOWN, Verdict.DEGRADED, Verdict.DOWN)
                .map(VerdictStep::new);
        Arbitrary<Step> answer = Arbitraries.of(CommandOutcome.DONE, CommandOutcome.FAILED, CommandOutcome.FAILED)
                .map(AnswerStep::new);
        Arbitrary<Step> tick = Arbitraries.integers().between(100, 15_000).map(TickStep::new);
        Arbitrary<Step> failback = Arbitraries.just(new FailbackStep());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, verdict), net.jqwik.api.Tuple.of(2, answer),
                net.jqwik.api.Tuple.of(5, tick), net.jqwik.api.Tuple.of(1, failback))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    /** The world after the failover: offsite active, home lost unfenced. */
    private static final class World {
        final Driver driver = new Driver();
        DrState state;
        Observations obs;
        Instant now;
        final Map<String, CommandFinished> replies = new HashMap<>();
        final List<CommandIssued> fences = new ArrayList<>();
        final List<Outgoing<?>> sent = new ArrayList<>();
        Instant fencedAt;

        World() {
            now = T0;
            Observations healthy = healthy(now);
            DrState deciding = FailoverRules.onVerdict(initial(), healthy.with(down("home", now.minusSeconds(6))),
                    down("home", now.minusSeconds(6)), at(now)).next();
            driver.answer = c -> c.command() == CommandName.FENCE ? null : CommandOutcome.DONE;
            DrState waiting = driver.run(deciding, healthy, at(now));
            now = now.plus(POLICY.fenceTimeout());
            state = driver.run(waiting, healthy, at(now));
            obs = healthy.with(down("home", T0.minusSeconds(6)));
        }

        /** One cycle of the control loop, in its order: fence on return first, then the rules, then the runbook. */
        void cycle() {
            Transition t = FenceOnReturn.onTick(state, obs, replies::get, at(now));
            for (Outgoing<?> o : t.out()) {
                sent.add(o);
                if (o.payload() instanceof CommandIssued c) {
                    fences.add(c);
                }
            }
            if (state.unfenced() != null && t.next().unfenced() == null && fencedAt == null) {
                fencedAt = now;
            }
            state = t.next();
            state = FailoverRules.onTick(state, obs, at(now)).next();
        }
    }

    @Property(tries = 300)
    void theLostSiteIsFencedTheMomentItAnswersAndTheAlertSaysForHowLong(@ForAll("sequences") List<Step> steps) {
        World w = new World();
        assertThat(w.state.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(w.state.unfenced()).isNotNull();
        Instant lostAt = w.state.unfenced().since();
        w.cycle();
        // A fence goes out at once, before any verdict says anything.
        assertThat(w.fences).hasSize(1);
        for (Step step : steps) {
            if (step instanceof VerdictStep v) {
                w.now = w.now.plusMillis(50);
                w.obs = w.obs.with(verdict("home", v.verdict(), w.now, quorum(w.now)));
                boolean answers = v.verdict() != Verdict.DOWN;
                boolean underWay = w.state.unfenced() != null && w.state.unfenced().commandId() != null;
                int before = w.fences.size();
                w.cycle();
                if (answers && w.fencedAt == null && w.state.unfenced() != null && !underWay) {
                    // The moment it answers, unless a FENCE is under way: one goes out in this very cycle.
                    assertThat(w.fences).hasSizeGreaterThan(before);
                    assertThat(w.fences.get(w.fences.size() - 1).issuedAt()).isEqualTo(w.now);
                }
            } else if (step instanceof AnswerStep a) {
                CommandIssued last = w.fences.get(w.fences.size() - 1);
                w.replies.putIfAbsent(last.commandId(), new CommandFinished(last.commandId(), last.command(),
                        last.epoch(), last.target(), a.outcome(), "by the test", "test", Map.of(), w.now));
                w.cycle();
            } else if (step instanceof TickStep t) {
                w.now = w.now.plusMillis(t.millis());
                w.cycle();
            } else {
                if (w.state.unfenced() != null) {
                    World world = w;
                    assertThatThrownBy(() -> FailoverRules.requestFailback(world.state, world.obs, "ops",
                            "operator", "home repaired", true, at(world.now)))
                            .isInstanceOf(Refused.class).hasMessageContaining("not fenced yet");
                }
            }
            // Every fence is for the lost site, in the current epoch, and names the site that is active now.
            assertThat(w.fences).allSatisfy(c -> {
                assertThat(c.command()).isEqualTo(CommandName.FENCE);
                assertThat(c.target()).isEqualTo("home");
                assertThat(c.epoch()).isEqualTo(w.state.epoch());
                assertThat(c.parameters().newActive()).isEqualTo("offsite");
            });
            assertThat(w.fences).extracting(CommandIssued::commandId).doesNotHaveDuplicates();
            // While not fenced, a FENCE is always under way (one at a time, sent again only when long unanswered)
            // or due within the fence timeout.
            if (w.state.unfenced() != null) {
                Instant last = w.state.unfenced().attemptStartedAt();
                boolean underWay = w.state.unfenced().commandId() != null;
                assertThat(Duration.between(last, w.now)).isLessThan(underWay
                        ? POLICY.fenceTimeout().multipliedBy(FenceOnReturn.UNANSWERED_AFTER) : POLICY.fenceTimeout());
                long unanswered = w.fences.stream().filter(c -> !w.replies.containsKey(c.commandId())).count();
                assertThat(unanswered).as("FENCEs sent and not answered").isLessThanOrEqualTo(
                        1 + Duration.between(lostAt, w.now).dividedBy(
                                POLICY.fenceTimeout().multipliedBy(FenceOnReturn.UNANSWERED_AFTER)));
            }
        }
        boolean doneAnswered = w.replies.values().stream().anyMatch(r -> r.outcome() == CommandOutcome.DONE);
        List<AlertRaised> fencedAlerts = w.sent.stream().filter(o -> o.type() == EventTypes.ALERT_RAISED)
                .map(o -> (AlertRaised) o.payload()).filter(a -> a.kind().equals(FenceOnReturn.FENCED_ALERT)).toList();
        Statistics.collect(doneAnswered ? "fenced" : "still unfenced");
        if (doneAnswered) {
            assertThat(w.state.unfenced()).isNull();
            assertThat(fencedAlerts).hasSize(1);
            assertThat(fencedAlerts.get(0).reason()).contains("unfenced for "
                    + Words.duration(Duration.between(lostAt, w.fencedAt)));
            assertThat(w.state.history()).anyMatch(h -> h.action().equals("FENCED_ON_RETURN"));
        } else {
            assertThat(w.state.unfenced()).isNotNull();
            assertThat(fencedAlerts).isEmpty();
            assertThat(w.state.phase()).isEqualTo(FailoverPhase.ON_DR);
        }
    }

    /**
     * Lost unfenced and still not answering while the failover drains: no FENCE is sent blind before the promotion
     * (replication-service would run it between the DRAIN and the PROMOTE, a connect timeout in the way); one goes the
     * moment the site answers, and the attempts on the timer resume once the run has promoted.
     */
    @net.jqwik.api.Example
    void noBlindFenceHoldsUpThePromotionOneGoesWhenTheSiteAnswers() {
        Driver driver = new Driver();
        Observations homeDown = healthy(T0).with(down("home", T0.minusSeconds(6)));
        DrState deciding = FailoverRules.onVerdict(initial(), homeDown, down("home", T0.minusSeconds(6)), at(T0))
                .next();
        driver.answer = c -> c.command() == CommandName.FENCE ? CommandOutcome.FAILED
                : c.command() == CommandName.DRAIN ? null : CommandOutcome.DONE;
        DrState waiting = driver.run(deciding, homeDown, at(T0));
        DrState draining = driver.run(waiting, homeDown, at(T0.plus(POLICY.fenceTimeout())));
        assertThat(draining.unfenced()).as("the run's FENCE failed").isNotNull();
        assertThat(draining.activeSite()).as("not promoted yet").isEqualTo("home");

        for (int seconds = 0; seconds <= 30; seconds += 5) {
            Transition blind = FenceOnReturn.onTick(draining, homeDown, id -> null,
                    at(T0.plus(POLICY.fenceTimeout()).plusSeconds(seconds)));
            assertThat(blind.out()).as(blind.reason()).noneMatch(o -> o.payload() instanceof CommandIssued);
        }
        Instant answersAt = T0.plusSeconds(40);
        Transition answers = FenceOnReturn.onTick(draining, homeDown.with(verdict("home", Verdict.UP, answersAt,
                quorum(answersAt))), id -> null, at(answersAt));
        assertThat(answers.out()).extracting(o -> o.payload()).filteredOn(p -> p instanceof CommandIssued)
                .singleElement().satisfies(p -> assertThat(((CommandIssued) p).target()).isEqualTo("home"));

        driver.answer = c -> c.command() == CommandName.FENCE ? null : CommandOutcome.DONE;
        CommandIssued drain = driver.issued.stream().filter(c -> c.command() == CommandName.DRAIN).findFirst()
                .orElseThrow();
        driver.replies.put(drain.commandId(), new CommandFinished(drain.commandId(), drain.command(), drain.epoch(),
                drain.target(), CommandOutcome.DONE, "drained by the test", "test", Map.of(), T0.plusSeconds(41)));
        DrState promoted = driver.run(draining, homeDown, at(T0.plusSeconds(41)));
        assertThat(promoted.activeSite()).isEqualTo("offsite");
        Transition after = FenceOnReturn.onTick(promoted, homeDown, id -> null, at(T0.plusSeconds(42)));
        assertThat(after.out()).as(after.reason()).anyMatch(o -> o.payload() instanceof CommandIssued);
    }

    /** Lost unfenced while the failover is still under way (before its promotion the roles have not moved). */
    @net.jqwik.api.Example
    void aSiteLostEarlyInTheRunIsFencedNotForgottenWhileItIsStillActive() {
        Driver driver = new Driver();
        Observations healthy = healthy(T0);
        DrState deciding = FailoverRules.onVerdict(initial(), healthy.with(down("home", T0.minusSeconds(6))),
                down("home", T0.minusSeconds(6)), at(T0)).next();
        driver.answer = c -> c.command() == CommandName.FENCE || c.command() == CommandName.DRAIN ? null
                : CommandOutcome.DONE;
        DrState waiting = driver.run(deciding, healthy, at(T0));
        DrState draining = driver.run(waiting, healthy, at(T0.plus(POLICY.fenceTimeout())));
        assertThat(draining.activeSite()).isEqualTo("home");
        assertThat(draining.unfenced()).isNotNull();

        // Not forgotten: the moment home answers (a verdict after the run's FENCE), a FENCE goes to it.
        Instant answersAt = T0.plus(POLICY.fenceTimeout()).plusSeconds(1);
        Transition t = FenceOnReturn.onTick(draining, healthy.with(verdict("home", Verdict.UP, answersAt,
                quorum(answersAt))), id -> null, at(answersAt));
        assertThat(t.next().unfenced()).isNotNull();
        assertThat(t.out()).extracting(o -> o.payload()).filteredOn(p -> p instanceof CommandIssued)
                .singleElement().satisfies(p -> assertThat(((CommandIssued) p).target()).isEqualTo("home"));

        // Aborted before its promotion: home stays active, and is not fenced by the rule.
        DrState aborted = FailoverRules.abort(t.next(), "ops", "operator", "home is fine", at(T0.plusSeconds(20)))
                .next();
        Transition after = FenceOnReturn.onTick(aborted, healthy, id -> null, at(T0.plusSeconds(21)));
        assertThat(after.next().unfenced()).isNull();
        assertThat(after.out()).noneMatch(o -> o.payload() instanceof CommandIssued);
    }
}
