package io.lifeboat.failover.decision;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverDecision;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.RunOutcome;
import io.lifeboat.failover.state.Outgoing;
import io.lifeboat.failover.state.RunKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailoverRulesTest {

    private static final Instant NOW = T0.plusSeconds(600);

    static List<FailoverDecision> decisions(Transition t) {
        return t.out().stream().filter(o -> o.type() == EventTypes.FAILOVER_DECIDED)
                .map(o -> (FailoverDecision) o.payload()).toList();
    }

    static List<String> actions(Transition t) {
        return decisions(t).stream().map(FailoverDecision::action).toList();
    }

    static List<AlertRaised> alerts(Transition t) {
        return t.out().stream().filter(o -> o.type() == EventTypes.ALERT_RAISED).map(o -> (AlertRaised) o.payload()).toList();
    }

    static Transition apply(DrState s, Observations obs, SiteVerdictChanged v, Instant now) {
        return FailoverRules.onVerdict(s, obs.with(v), v, at(now));
    }

    @Nested
    class Automatic {

        @Test
        void failsOverWhenEveryConditionHoldsAndSaysWhy() {
            SiteVerdictChanged down = down("home", NOW.minusMillis(6100));
            Transition t = apply(initial(), healthy(NOW), down, NOW);

            assertThat(actions(t)).containsExactly("FAIL_OVER");
            assertThat(t.reason()).isEqualTo(
                    "failover: home DOWN by 3/3 observers in 2 locations for 6.1 s, offsite UP, lag 0.4 s");
            assertThat(decisions(t).get(0).reason()).isEqualTo(t.reason());
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
            assertThat(t.next().epoch()).isEqualTo(2);
            assertThat(t.next().run().kind()).isEqualTo(RunKind.FAILOVER);
            assertThat(t.next().run().outageSince()).isEqualTo(down.evidence().failingSince());
            assertThat(t.next().currentStep()).isEqualTo(2);
            assertThat(t.next().pending()).isNull();
        }

        @Test
        void waitsForTheGracePeriodThenFailsOverOnATick() {
            Observations obs = healthy(NOW);
            SiteVerdictChanged down = down("home", NOW.minusSeconds(1));
            Transition t = apply(initial(), obs, down, NOW);
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.DECIDING);
            assertThat(t.reason()).isEqualTo("waiting: home DOWN for 1 s of grace 5 s");
            assertThat(actions(t)).isEmpty();

            Transition early = FailoverRules.onTick(t.next(), obs.with(down), at(NOW.plusSeconds(3)));
            assertThat(early.next().phase()).isEqualTo(FailoverPhase.DECIDING);
            assertThat(early.out()).isEmpty();

            Transition later = FailoverRules.onTick(t.next(), obs.with(down), at(NOW.plusSeconds(4)));
            assertThat(actions(later)).containsExactly("FAIL_OVER");
            assertThat(later.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
        }
    }

    @Nested
    class AskingAPerson {

        private void assertAsks(Transition t, String reasonPart) {
            assertThat(actions(t)).containsExactly("AWAIT_APPROVAL");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.AWAITING_APPROVAL);
            assertThat(t.reason()).contains(reasonPart);
            assertThat(decisions(t).get(0).reason()).contains(reasonPart);
            assertThat(alerts(t)).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo("APPROVAL_NEEDED");
                assertThat(a.reason()).contains(reasonPart);
            });
            assertThat(t.next().pending().awaitingApproval()).isTrue();
            assertThat(t.next().epoch()).isEqualTo(1);
        }

        @Test
        void withoutQuorumOfObservers() {
            assertAsks(apply(initial(), healthy(NOW), verdict("home", Verdict.DOWN, NOW.minusSeconds(10),
                    oneObserver(NOW.minusSeconds(12))), NOW), "no quorum: 1/3 observers in 1 location agree");
        }

        @Test
        void withObserversInOneLocationOnly() {
            assertAsks(apply(initial(), healthy(NOW), verdict("home", Verdict.DOWN, NOW.minusSeconds(10),
                    oneLocation(NOW.minusSeconds(12))), NOW), "no quorum: 2/2 observers in 1 location");
        }

        @Test
        void whenTheStandbyIsNotUp() {
            Observations obs = healthy(NOW).with(verdict("offsite", Verdict.DEGRADED, NOW.minusSeconds(30), null));
            assertAsks(apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW), "standby offsite is DEGRADED");
        }

        @Test
        void whenTheStandbyHasNoVerdict() {
            Observations obs = Observations.NONE.with(lag("home", "offsite", 100, NOW.minusSeconds(7)));
            assertAsks(apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW), "no verdict on standby offsite");
        }

        @Test
        void whenTheLagExceedsTheAllowedLoss() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 42_000, NOW.minusSeconds(8)));
            assertAsks(apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW),
                    "standby lag 42 s exceeds allowed 5 s (link home-to-offsite-db)");
        }

        @Test
        void judgesTheLagAsItStoodWhenHomeStartedFailingNotTheSilenceSince() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 300, NOW.minusSeconds(8)))
                    .with(lag("home", "offsite", 9_000, NOW.minusSeconds(1)));
            Transition t = apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW);
            assertThat(actions(t)).contains("FAIL_OVER");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
        }

        @Test
        void aReportFromAfterTheOutageCountsTheSilenceSinceOut() {
            Observations obs = Observations.NONE.with(up("offsite", NOW.minusSeconds(600)))
                    .with(lag("home", "offsite", 9_000, NOW.minusSeconds(1)));
            Transition t = apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW);
            assertThat(actions(t)).containsExactly("FAIL_OVER");
            assertThat(t.reason()).endsWith("offsite UP, lag 2.5 s");
        }

        @Test
        void aStandbyFallingBehindAfterTheOutageStartedAsksAPerson() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 20_000, NOW.minusSeconds(1)));
            assertAsks(apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW),
                    "standby lag 13 s exceeds allowed 5 s (link home-to-offsite-db)");
        }

        @Test
        void whenNoLagWasEverReported() {
            Observations obs = Observations.NONE.with(up("offsite", NOW.minusSeconds(60)));
            assertAsks(apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW),
                    "no replication lag reported into offsite");
        }

        @Test
        void whenTheLastLagReportIsStale() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 0, NOW.minusSeconds(120)));
            Observations stale = new Observations(obs.verdicts(), java.util.Map.of(LINK,
                    lag("home", "offsite", 0, NOW.minusSeconds(120))));
            assertAsks(apply(initial(), stale, down("home", NOW.minusSeconds(6)), NOW), "older than the outage");
        }

        @Test
        void withinTheCooldownOfTheLastFailover() {
            DrState s = initial().withLastFailoverAt(NOW.minus(Duration.ofMinutes(3)));
            assertAsks(apply(s, healthy(NOW), down("home", NOW.minusSeconds(6)), NOW),
                    "last failover 3 min ago, within the cooldown of 10 min");
        }

        @Test
        void alwaysInManualMode() {
            SiteVerdictChanged down = down("home", NOW.minusSeconds(60));
            Transition t = FailoverRules.onVerdict(initial(), healthy(NOW).with(down), down,
                    new Context(NOW, POLICY.withMode(Mode.MANUAL), "failover-test"));
            assertAsks(t, "mode manual: an operator decides");
        }

        @Test
        void whenTheDownVerdictWeakensWhileDeciding() {
            Transition deciding = apply(initial(), healthy(NOW), down("home", NOW), NOW);
            SiteVerdictChanged degraded = verdict("home", Verdict.DEGRADED, NOW.plusSeconds(1), oneObserver(NOW));
            Transition t = apply(deciding.next(), healthy(NOW), degraded, NOW.plusSeconds(1));
            assertAsks(t, "home now DEGRADED");
        }
    }

    @Nested
    class Cancelling {

        @Test
        void aRecoveryBeforeTheSwitchCancelsThePendingDecision() {
            Transition deciding = apply(initial(), healthy(NOW), down("home", NOW), NOW);
            Transition t = apply(deciding.next(), healthy(NOW), up("home", NOW.plusSeconds(2)), NOW.plusSeconds(2));
            assertThat(actions(t)).containsExactly("CANCEL");
            assertThat(t.reason()).startsWith("cancelled: home UP again before the switch");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
            assertThat(t.next().pending()).isNull();
            assertThat(t.next().history()).anySatisfy(h -> assertThat(h.action()).isEqualTo("CANCEL"));
        }

        @Test
        void aRecoveryWhileAwaitingApprovalCancelsAndResolvesTheAlert() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 42_000, NOW.minusSeconds(8)));
            Transition asking = apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW);
            Transition t = apply(asking.next(), obs, up("home", NOW.plusSeconds(2)), NOW.plusSeconds(2));
            assertThat(actions(t)).containsExactly("CANCEL");
            assertThat(t.out()).anySatisfy(o -> assertThat(o.payload()).isInstanceOfSatisfying(AlertResolved.class,
                    r -> assertThat(r.kind()).isEqualTo("APPROVAL_NEEDED")));
        }

        @Test
        void aRecoveryAfterTheRunbookStartedDoesNotCancel() {
            Transition failing = apply(initial(), healthy(NOW), down("home", NOW.minusSeconds(6)), NOW);
            Transition t = apply(failing.next(), healthy(NOW), up("home", NOW.plusSeconds(1)), NOW.plusSeconds(1));
            assertThat(actions(t)).containsExactly("NO_ACTION");
            assertThat(t.reason()).contains("not cancelled");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
        }
    }

    @Nested
    class NoAction {

        @Test
        void aDuplicateTransitionIsRecordedAndChangesNothing() {
            SiteVerdictChanged down = down("home", NOW.minusSeconds(1));
            Transition first = apply(initial(), healthy(NOW), down, NOW);
            Transition again = apply(first.next(), healthy(NOW), down, NOW.plusMillis(100));
            assertThat(actions(again)).containsExactly("NO_ACTION");
            assertThat(again.reason()).startsWith("no action: duplicate verdict");
            assertThat(again.next()).isEqualTo(first.next());
        }

        @Test
        void aSecondDownWhileDecidingIsRecordedAsNoAction() {
            Transition first = apply(initial(), healthy(NOW), down("home", NOW.minusSeconds(1)), NOW);
            Transition second = apply(first.next(), healthy(NOW), down("home", NOW), NOW);
            assertThat(actions(second)).containsExactly("NO_ACTION");
            assertThat(second.reason()).contains("already pending");
            assertThat(second.next().pending()).isEqualTo(first.next().pending());
        }

        @Test
        void aVerdictAboutTheStandbyIsRecordedAsNoAction() {
            Transition t = apply(initial(), healthy(NOW), down("offsite", NOW.minusSeconds(60)), NOW);
            assertThat(actions(t)).containsExactly("NO_ACTION");
            assertThat(t.reason()).contains("standby");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
        }

        @Test
        void aVerdictFromBeforeTheCurrentEpochIsRecordedAsNoAction() {
            DrState s = initial().withEpoch(3, NOW.minusSeconds(30));
            Transition t = apply(s, healthy(NOW), down("home", NOW.minusSeconds(60)), NOW);
            assertThat(actions(t)).containsExactly("NO_ACTION");
            assertThat(t.reason()).contains("stale verdict").contains("before epoch 3");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
        }

        @Test
        void aDownDuringARunbookIsRecordedAsNoAction() {
            Transition failing = apply(initial(), healthy(NOW), down("home", NOW.minusSeconds(6)), NOW);
            Transition t = apply(failing.next(), healthy(NOW), down("home", NOW.plusSeconds(1)), NOW.plusSeconds(1));
            assertThat(actions(t)).containsExactly("NO_ACTION");
            assertThat(t.reason()).contains("runbook is under way");
        }

        @Test
        void anUpForTheActiveSiteInNormalOperation() {
            Transition t = apply(initial(), healthy(NOW), up("home", NOW), NOW);
            assertThat(actions(t)).containsExactly("NO_ACTION");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
        }
    }

    @Nested
    class Operators {

        private DrState awaiting() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 42_000, NOW.minusSeconds(8)));
            return apply(initial(), obs, down("home", NOW.minusSeconds(6)), NOW).next();
        }

        @Test
        void approveStartsTheFailoverAndAuditsWhoAndWhy() {
            Transition t = FailoverRules.approve(awaiting(), healthy(NOW), "alice", "operator", "home is on fire", at(NOW));
            assertThat(actions(t)).containsExactly("APPROVED");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
            assertThat(t.out()).anySatisfy(o -> assertThat(o.payload()).isInstanceOfSatisfying(
                    io.lifeboat.events.OperatorActed.class, a -> {
                        assertThat(a.actor()).isEqualTo("alice");
                        assertThat(a.action()).isEqualTo("approve");
                        assertThat(a.reason()).isEqualTo("home is on fire");
                    }));
        }

        @Test
        void approveWithNothingPendingIsRefused() {
            assertThatThrownBy(() -> FailoverRules.approve(initial(), healthy(NOW), "alice", "operator", "why", at(NOW)))
                    .isInstanceOf(Refused.class).hasMessageContaining("nothing awaits approval");
        }

        @Test
        void aReasonIsRequired() {
            assertThatThrownBy(() -> FailoverRules.approve(awaiting(), healthy(NOW), "alice", "operator", " ", at(NOW)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        }

        @Test
        void failoverPastTheDataLossBoundNeedsForce() {
            Observations obs = healthy(NOW).with(lag("home", "offsite", 42_000, NOW.minusSeconds(1)));
            assertThatThrownBy(() -> FailoverRules.requestFailover(initial(), obs, "alice", "operator", "drill", false,
                    at(NOW))).isInstanceOf(Refused.class).hasMessageContaining("standby lag 42 s exceeds allowed 5 s")
                    .hasMessageContaining("force");
            Transition forced = FailoverRules.requestFailover(initial(), obs, "alice", "operator", "drill", true, at(NOW));
            assertThat(forced.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
            assertThat(forced.next().run().forced()).isTrue();
            assertThat(forced.reason()).contains("forced past: standby lag 42 s");
        }

        @Test
        void abortDropsAPendingDecision() {
            Transition t = FailoverRules.abort(awaiting(), "bob", "operator", "false alarm", at(NOW));
            assertThat(actions(t)).containsExactly("ABORTED");
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
            assertThat(t.next().pending()).isNull();
        }

        @Test
        void abortStopsARunbook() {
            DrState running = FailoverRules.approve(awaiting(), healthy(NOW), "alice", "operator", "go", at(NOW)).next();
            Transition t = FailoverRules.abort(running, "bob", "operator", "changed my mind", at(NOW));
            assertThat(t.next().run()).isNull();
            assertThat(t.next().lastRun().outcome()).isEqualTo(RunOutcome.ABORTED);
            assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
            assertThat(t.reason()).contains("steps done are not undone");
        }

        @Test
        void abortWithNothingGoingOnIsRefused() {
            assertThatThrownBy(() -> FailoverRules.abort(initial(), "bob", "operator", "x", at(NOW)))
                    .isInstanceOf(Refused.class).hasMessageContaining("nothing to abort");
        }

        @Test
        void failbackOnlyFromDr() {
            assertThatThrownBy(() -> FailoverRules.requestFailback(initial(), healthy(NOW), "alice", "operator", "x",
                    false, at(NOW))).isInstanceOf(Refused.class).hasMessageContaining("ON_DR");
        }

        @Test
        void retryAndSkipOnlyWhenStuck() {
            assertThatThrownBy(() -> FailoverRules.retryStep(initial(), 3, "alice", "operator", "x", at(NOW)))
                    .isInstanceOf(Refused.class).hasMessageContaining("no runbook is STUCK");
            assertThatThrownBy(() -> FailoverRules.skipStep(initial(), 3, "alice", "operator", "x", at(NOW)))
                    .isInstanceOf(Refused.class);
        }

        @Test
        void everyOperatorActionIsInTheHistory() {
            Transition t = FailoverRules.abort(awaiting(), "bob", "operator", "false alarm", at(NOW));
            assertThat(t.next().history()).anySatisfy(h -> {
                assertThat(h.kind()).isEqualTo("OPERATOR");
                assertThat(h.by()).isEqualTo("bob");
            });
            List<Outgoing<?>> out = t.out();
            assertThat(out).extracting(o -> o.type().name()).contains("lifeboat.operator.acted.v1");
        }
    }
}
