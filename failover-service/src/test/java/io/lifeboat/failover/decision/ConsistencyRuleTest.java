package io.lifeboat.failover.decision;

import io.lifeboat.events.Consistency;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.OperatorActed;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.failover.state.DrState;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.lifeboat.failover.decision.FailoverRulesTest.actions;
import static io.lifeboat.failover.decision.FailoverRulesTest.alerts;
import static io.lifeboat.failover.decision.FailoverRulesTest.apply;
import static io.lifeboat.failover.decision.FailoverRulesTest.decisions;
import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A standby that is not known to be consistent is never promoted on the service's own: a person decides, audited. */
class ConsistencyRuleTest {

    private static final Instant NOW = T0.plusSeconds(600);

    private static Observations standbyWith(StandbyConsistency consistency) {
        return Observations.NONE.with(up("offsite", NOW.minusSeconds(600)))
                .with(lag("home", "offsite", 400, NOW.minusSeconds(10), consistency));
    }

    private static Transition lose(Observations obs) {
        return apply(initial(), obs, down("home", NOW.minusMillis(6100)), NOW);
    }

    private static void assertAsks(Transition t, String reason) {
        assertThat(actions(t)).containsExactly("AWAIT_APPROVAL");
        assertThat(t.next().phase()).isEqualTo(FailoverPhase.AWAITING_APPROVAL);
        assertThat(t.next().epoch()).isEqualTo(1);
        assertThat(t.reason()).isEqualTo("awaiting approval: " + reason
                + " (home DOWN by 3/3 observers in 2 locations for 6.1 s)");
        assertThat(decisions(t).get(0).reason()).contains(reason);
        assertThat(alerts(t)).singleElement().satisfies(a -> assertThat(a.reason()).contains(reason));
        assertThat(t.next().pending().reason()).contains(reason);
    }

    @Test
    void anIncompleteCopyAsksAPersonWithTheLinksOwnWords() {
        assertAsks(lose(standbyWith(COPYING)), "standby copy incomplete: 1 of 3 tables copied (link home-to-offsite-db)");
    }

    @Test
    void aStoppedTableAGapOrAnUnknownStateAskAPersonToo() {
        for (Consistency state : new Consistency[] {Consistency.TABLE_STOPPED, Consistency.GAP, Consistency.UNKNOWN}) {
            StandbyConsistency c = new StandbyConsistency(state, "the link says " + state, 3, 3);
            assertAsks(lose(standbyWith(c)), "the link says " + state + " (link home-to-offsite-db)");
        }
        assertAsks(lose(standbyWith(new StandbyConsistency(Consistency.GAP, " ", 3, 3))),
                "standby GAP, not consistent (link home-to-offsite-db)");
    }

    @Test
    void aLinkThatReportsNoConsistencyIsNotKnownToBeConsistent() {
        assertAsks(lose(standbyWith(null)),
                "standby not known to be consistent: the link reports no consistency (link home-to-offsite-db)");
    }

    @Test
    void aConfiguredDatabaseLinkWithoutAnyReportIsNotKnownToBeConsistent() {
        Observations filesOnly = Observations.NONE.with(up("offsite", NOW.minusSeconds(600)))
                .with(filesLag("home", "offsite", 200, NOW.minusSeconds(5)));
        assertAsks(lose(filesOnly), "no report from database link home-to-offsite-db into offsite: its standby is not "
                + "known to be consistent");
    }

    @Test
    void aFilesLinkHasNoConsistencyAndNeverBlocks() {
        Observations obs = standbyWith(CONSISTENT).with(filesLag("home", "offsite", 200, NOW.minusSeconds(5)));
        Transition t = lose(obs);
        assertThat(actions(t)).containsExactly("FAIL_OVER");
        assertThat(Conditions.consistencyProblems(obs, "offsite", POLICY)).isEmpty();
    }

    @Test
    void everyInconsistentLinkIsNamedBesideTheOtherProblems() {
        Observations obs = standbyWith(COPYING).with(lag("home", "offsite", 42_000, NOW.minusSeconds(8), COPYING));
        Transition t = lose(obs);
        assertThat(t.reason()).contains("standby lag 42 s exceeds allowed 5 s (link home-to-offsite-db); "
                + "standby copy incomplete: 1 of 3 tables copied (link home-to-offsite-db)");
    }

    @Test
    void onceConsistentAgainALaterOutageFailsOverOnItsOwn() {
        Observations obs = standbyWith(COPYING).with(lag("home", "offsite", 300, NOW.minusSeconds(9), CONSISTENT));
        assertThat(actions(lose(obs))).containsExactly("FAIL_OVER");
    }

    @Test
    void approvalPassesItAndTheAuditSaysTheStandbyWasNotConsistentAndWhoApproved() {
        Observations obs = standbyWith(COPYING);
        DrState asking = lose(obs).next();
        Transition t = FailoverRules.approve(asking, obs, "alice", "operator", "home burnt down", at(NOW));
        assertThat(t.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
        assertThat(t.next().run().forced()).isTrue();
        assertThat(decisions(t)).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo("APPROVED");
            assertThat(d.decidedBy()).isEqualTo("alice");
            assertThat(d.reason()).contains("approved by alice: home burnt down").endsWith(
                    "standby not consistent, approved past: standby copy incomplete: 1 of 3 tables copied "
                            + "(link home-to-offsite-db)");
        });
        assertThat(operatorEvent(t).result()).isEqualTo("failover to offsite started past: standby copy incomplete: "
                + "1 of 3 tables copied (link home-to-offsite-db)");
        assertThat(t.next().history()).anySatisfy(h -> {
            assertThat(h.by()).isEqualTo("alice");
            assertThat(h.reason()).contains("standby copy incomplete");
        });
    }

    @Test
    void approvingAQuestionAskedForAnotherReasonStillRecordsAnInconsistentStandby() {
        // Asked at once for want of quorum, before the consistency was ever weighed.
        Observations obs = standbyWith(COPYING);
        DrState asking = apply(initial(), obs, verdict("home", io.lifeboat.events.Verdict.DOWN, NOW.minusSeconds(10),
                oneObserver(NOW.minusSeconds(12))), NOW).next();
        assertThat(asking.pending().reason()).doesNotContain("copy incomplete");
        Transition t = FailoverRules.approve(asking, obs, "alice", "operator", "go", at(NOW));
        assertThat(decisions(t).get(0).reason()).contains("approved past: standby copy incomplete");
    }

    @Test
    void anOperatorsFailoverIsRefusedWithoutForceAndAuditedWithIt() {
        Observations obs = standbyWith(COPYING);
        assertThatThrownBy(() -> FailoverRules.requestFailover(initial(), obs, "bob", "operator", "drill", false,
                at(NOW))).isInstanceOf(Refused.class)
                .hasMessage("refused: standby copy incomplete: 1 of 3 tables copied (link home-to-offsite-db); "
                        + "add force to fail over anyway");
        Transition forced = FailoverRules.requestFailover(initial(), obs, "bob", "operator", "drill", true, at(NOW));
        assertThat(forced.next().run().forced()).isTrue();
        assertThat(forced.reason()).isEqualTo("operator bob failover to offsite: drill (forced past: standby copy "
                + "incomplete: 1 of 3 tables copied (link home-to-offsite-db))");
        assertThat(decisions(forced).get(0).decidedBy()).isEqualTo("bob");
        assertThat(operatorEvent(forced).result()).isEqualTo("failover to offsite started (force) past: standby copy "
                + "incomplete: 1 of 3 tables copied (link home-to-offsite-db)");
    }

    private static OperatorActed operatorEvent(Transition t) {
        return t.out().stream().filter(o -> o.payload() instanceof OperatorActed).map(o -> (OperatorActed) o.payload())
                .findFirst().orElseThrow();
    }
}
