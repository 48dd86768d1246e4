package io.lifeboat.failover.decision;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.HistoryEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.lifeboat.failover.decision.FailoverRulesTest.actions;
import static io.lifeboat.failover.decision.FailoverRulesTest.alerts;
import static io.lifeboat.failover.decision.FailoverRulesTest.apply;
import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pause/resume: while paused nothing automatic starts, a person is asked instead, and people still act. */
class MaintenanceModeTest {

    private static final Instant NOW = T0.plusSeconds(600);

    static DrState paused(DrState s, Instant at) {
        return MaintenanceMode.pause(s, "alice", "operator", "patching home", at(at)).next();
    }

    @Test
    void pausingIsRecordedInTheStateAndTheHistoryAndSaysWhy() {
        Transition t = MaintenanceMode.pause(initial(), "alice", "operator", "patching home", at(NOW));
        assertThat(t.reason()).isEqualTo("paused by alice: patching home; no automatic failover or failback until "
                + "resumed (phase NORMAL)");
        assertThat(t.next().paused().by()).isEqualTo("alice");
        assertThat(t.next().paused().since()).isEqualTo(NOW);
        assertThat(t.next().phase()).isEqualTo(FailoverPhase.NORMAL);
        HistoryEntry last = t.next().history().get(t.next().history().size() - 1);
        assertThat(last.action()).isEqualTo("pause");
        assertThat(last.reason()).isEqualTo("patching home → automatic decisions paused");
        assertThat(last.by()).isEqualTo("alice");

        assertThatThrownBy(() -> MaintenanceMode.pause(t.next(), "bob", "operator", "again", at(NOW)))
                .isInstanceOf(Refused.class).hasMessageContaining("already paused by alice: patching home");
        assertThatThrownBy(() -> MaintenanceMode.pause(initial(), "bob", "operator", " ", at(NOW)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason is required");
    }

    @Test
    void anOutageThatWouldFailOverAutomaticallyAsksAPersonWhilePaused() {
        SiteVerdictChanged down = down("home", NOW.minusMillis(6100));
        Transition t = apply(paused(initial(), NOW.minusSeconds(60)), healthy(NOW), down, NOW);
        assertThat(actions(t)).containsExactly("AWAIT_APPROVAL");
        assertThat(t.next().phase()).isEqualTo(FailoverPhase.AWAITING_APPROVAL);
        assertThat(t.reason()).isEqualTo("awaiting approval: paused by alice: patching home (home DOWN by 3/3 "
                + "observers in 2 locations)");
        assertThat(alerts(t)).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo("APPROVAL_NEEDED"));
    }

    @Test
    void aDecisionUnderWayWhenPausedAsksAPersonAtTheNextTick() {
        Observations obs = healthy(NOW);
        SiteVerdictChanged down = down("home", NOW.minusSeconds(1));
        DrState deciding = apply(initial(), obs, down, NOW).next();
        assertThat(deciding.phase()).isEqualTo(FailoverPhase.DECIDING);

        Transition t = FailoverRules.onTick(paused(deciding, NOW.plusSeconds(1)), obs.with(down), at(NOW.plusSeconds(9)));
        assertThat(actions(t)).containsExactly("AWAIT_APPROVAL");
        assertThat(t.reason()).startsWith("awaiting approval: paused by alice: patching home (home DOWN by");
    }

    @Test
    void noAutomaticReverseWhilePaused() {
        DrState onDr = initial().withActive("offsite", "home").withPhase(FailoverPhase.ON_DR, "on DR");
        Instant later = NOW.plusSeconds(3600);
        Context auto = new Context(later, POLICY.withAutomaticReverse(Duration.ofMinutes(5)), "failover-test");
        Observations stable = Observations.NONE.with(up("home", later.minusSeconds(400)))
                .with(lag("offsite", "home", 120, later));
        assertThat(FailoverRules.onTick(onDr, stable, auto).next().phase()).isEqualTo(FailoverPhase.FAILING_BACK);

        Transition t = FailoverRules.onTick(paused(onDr, NOW), stable, auto);
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.reason()).isEqualTo("on DR; paused by alice: patching home: no automatic reverse");
    }

    @Test
    void operatorsStillActWhilePaused() {
        DrState s = paused(initial(), NOW);
        Transition failover = FailoverRules.requestFailover(s, healthy(NOW), "bob", "operator", "planned move", false,
                at(NOW));
        assertThat(failover.next().phase()).isEqualTo(FailoverPhase.FAILING_OVER);
        assertThat(failover.next().paused()).as("a manual failover does not resume").isNotNull();

        DrState asked = apply(s, healthy(NOW), down("home", NOW.minusSeconds(7)), NOW).next();
        assertThat(FailoverRules.approve(asked, healthy(NOW), "bob", "operator", "go", at(NOW)).next().phase())
                .isEqualTo(FailoverPhase.FAILING_OVER);
        assertThat(FailoverRules.abort(asked, "bob", "operator", "stay", at(NOW)).next().phase())
                .isEqualTo(FailoverPhase.NORMAL);
    }

    @Test
    void resumingTurnsAutomaticDecisionsBackOnButLeavesAQuestionWithThePerson() {
        DrState s = paused(initial(), NOW.minusSeconds(120));
        DrState asked = apply(s, healthy(NOW), down("home", NOW.minusSeconds(7)), NOW).next();
        Transition resumed = MaintenanceMode.resume(asked, "bob", "operator", "patched", at(NOW));
        assertThat(resumed.next().paused()).isNull();
        assertThat(resumed.next().phase()).isEqualTo(FailoverPhase.AWAITING_APPROVAL);
        assertThat(resumed.reason()).isEqualTo("resumed by bob: patched (was paused by alice: patching home, since "
                + NOW.minusSeconds(120) + "); the pending decision still awaits an operator");
        assertThat(resumed.next().history()).last().satisfies(h -> assertThat(h.action()).isEqualTo("resume"));

        DrState on = MaintenanceMode.resume(s, "bob", "operator", "patched", at(NOW)).next();
        assertThat(actions(apply(on, healthy(NOW), down("home", NOW.minusMillis(6100)), NOW)))
                .containsExactly("FAIL_OVER");
        assertThatThrownBy(() -> MaintenanceMode.resume(on, "bob", "operator", "again", at(NOW)))
                .isInstanceOf(Refused.class).hasMessage("not paused: automatic decisions are on");
    }
}
