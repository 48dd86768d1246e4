package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictEngineTest {

    private final Rounds r = new Rounds(VerdictRules.defaults());

    private void healthyRounds(int n) {
        for (int i = 0; i < n; i++) {
            r.web("obs-a", "eu-west", true).web("obs-b", "us-east", true).tick();
        }
    }

    @Test
    void isUnknownUntilEveryObserverHasSeenMGoodRoundsThenUp() {
        r.web("obs-a", "eu-west", true).web("obs-b", "us-east", true).tick();
        r.web("obs-a", "eu-west", true).web("obs-b", "us-east", true).tick();
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);

        healthyRounds(1);

        assertThat(r.verdict()).isEqualTo(Verdict.UP);
        assertThat(r.judgement().reason()).isEqualTo("up: 2/2 observers in 2 locations see the target answering");
        assertThat(r.judgement().previous()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void isDownWhenAQuorumInTwoLocationsSeesEveryCriticalTargetFailNTimes() {
        healthyRounds(3);
        r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();
        r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();
        assertThat(r.verdict()).isEqualTo(Verdict.UP);

        r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();

        SiteJudgement down = r.judgement();
        assertThat(down.verdict()).isEqualTo(Verdict.DOWN);
        assertThat(down.reason()).isEqualTo("down: 2/2 observers in 2 locations, " + Rounds.WEB
                + " failing for 5.0 s (REFUSED: Connection refused)");
        assertThat(down.evidence().agreeingObservers()).containsExactly("obs-a", "obs-b");
        assertThat(down.evidence().locations()).containsExactly("eu-west", "us-east");
        assertThat(down.evidence().failingTargets()).containsExactly(Rounds.WEB);
        assertThat(down.since()).isEqualTo(Rounds.T0.plusSeconds(6));
        assertThat(down.evidence().failingSince()).isEqualTo(down.since());
        assertThat(down.transitionId()).matches("home-down-[0-9a-f]{16}");
        // Between one observer's Nth failure and the other's, the site is DEGRADED: a minority sees it down.
        assertThat(r.transitions()).extracting(SiteJudgement::verdict)
                .containsExactly(Verdict.UP, Verdict.DEGRADED, Verdict.DOWN);
    }

    @Test
    void oneObserverCutOffFromAHealthySiteGivesDegradedNeverDown() {
        healthyRounds(3);
        for (int i = 0; i < 30; i++) {
            r.web("obs-a", "eu-west", false).web("obs-b", "us-east", true).tick();
        }

        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(r.judgement().reason()).startsWith("degraded: 1/2 observers (obs-a in eu-west) see every critical"
                + " target failing, short of the quorum of 2 observers in 2 locations");
        assertThat(r.transitions()).extracting(SiteJudgement::verdict).containsExactly(Verdict.UP, Verdict.DEGRADED);
    }

    @Test
    void observersInOneLocationCannotOutvoteTheOtherLocation() {
        for (int i = 0; i < 3; i++) {
            r.web("obs-a", "eu-west", true).web("obs-b", "eu-west", true).web("obs-c", "us-east", true).tick();
        }
        for (int i = 0; i < 10; i++) {
            r.web("obs-a", "eu-west", false).web("obs-b", "eu-west", false).web("obs-c", "us-east", true).tick();
        }

        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(r.judgement().reason()).contains("2/3 observers").contains("short of the quorum of 2 observers in 2 locations");
    }

    @Test
    void aSingleLostProbeChangesNothing() {
        healthyRounds(3);
        r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();
        healthyRounds(1);
        r.web("obs-a", "eu-west", false).web("obs-b", "us-east", true).tick();
        healthyRounds(3);

        assertThat(r.transitions()).extracting(SiteJudgement::verdict).containsExactly(Verdict.UP);
    }

    @Test
    void isUpAgainOnlyAfterMGoodRounds() {
        healthyRounds(3);
        for (int i = 0; i < 4; i++) {
            r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();
        }
        assertThat(r.verdict()).isEqualTo(Verdict.DOWN);

        healthyRounds(2);
        assertThat(r.verdict()).isEqualTo(Verdict.DOWN);
        healthyRounds(1);

        assertThat(r.verdict()).isEqualTo(Verdict.UP);
        assertThat(r.transitions()).extracting(SiteJudgement::verdict)
                .containsExactly(Verdict.UP, Verdict.DEGRADED, Verdict.DOWN, Verdict.DEGRADED, Verdict.UP);
    }

    @Test
    void aFailingNonCriticalTargetDegradesButNeverDowns() {
        for (int i = 0; i < 3; i++) {
            r.web("obs-a", "eu-west", true).beat("obs-a", "eu-west", Rounds.DB, false, true)
                    .web("obs-b", "us-east", true).beat("obs-b", "us-east", Rounds.DB, false, true).tick();
        }
        for (int i = 0; i < 10; i++) {
            r.web("obs-a", "eu-west", true).beat("obs-a", "eu-west", Rounds.DB, false, false)
                    .web("obs-b", "us-east", true).beat("obs-b", "us-east", Rounds.DB, false, false).tick();
        }

        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(r.judgement().reason()).startsWith("degraded: " + Rounds.DB + " failing for").contains("at 2/2 observers");
        assertThat(r.judgement().evidence().failingTargets()).containsExactly(Rounds.DB);
    }

    @Test
    void aStaleObserverIsReportedAndLeftOutAndItsSilenceIsNoVote() {
        healthyRounds(3);
        // obs-b sees the site failing, then goes silent; obs-a keeps seeing it healthy.
        for (int i = 0; i < 3; i++) {
            r.web("obs-a", "eu-west", true).web("obs-b", "us-east", false).tick();
        }
        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        for (int i = 0; i < 6; i++) {
            r.web("obs-a", "eu-west", true).tick();
        }

        assertThat(r.findings(Finding.ObserverStale.class)).singleElement().satisfies(stale -> {
            assertThat(stale.observer().observerId()).isEqualTo("obs-b");
            assertThat(stale.reason()).startsWith("observer obs-b in us-east is stale: silent for");
        });
        assertThat(r.engine.observers()).filteredOn(ObserverStatus::stale).extracting(ObserverStatus::observerId)
                .containsExactly("obs-b");
        assertThat(r.verdict()).isEqualTo(Verdict.UP);
        assertThat(r.judgement().evidence().reportingObservers()).isEqualTo(1);

        r.web("obs-b", "us-east", true).tick();
        assertThat(r.findings(Finding.ObserverBack.class)).hasSize(1);
    }

    @Test
    void whenEveryObserverFallsSilentTheVerdictIsUnknownNotDown() {
        healthyRounds(3);
        for (int i = 0; i < 3; i++) {
            r.web("obs-a", "eu-west", false).web("obs-b", "us-east", false).tick();
        }
        assertThat(r.verdict()).isEqualTo(Verdict.DOWN);
        for (int i = 0; i < 10; i++) {
            r.tick();
        }

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.judgement().reason()).isEqualTo("unknown: no observer is reporting on home (stale: obs-a, obs-b)");
    }

    @Test
    void aFlappingTargetHoldsTheSiteAtDegradedAndSaysSo() {
        healthyRounds(3);
        // Three down, three up, over and over: the worst case, runs just long enough to be DOWN and UP each time.
        for (int i = 0; i < 20; i++) {
            boolean ok = (i / 3) % 2 == 1;
            r.web("obs-a", "eu-west", ok).web("obs-b", "us-east", ok).tick();
        }
        int beforeHeld = r.transitions().size();
        for (int i = 20; i < 60; i++) {
            boolean ok = (i / 3) % 2 == 1;
            r.web("obs-a", "eu-west", ok).web("obs-b", "us-east", ok).tick();
        }

        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(r.judgement().reason()).contains("flapping: " + Rounds.WEB + " at obs-a");
        assertThat(r.findings(Finding.FlappingStarted.class)).hasSize(1);
        assertThat(r.transitions()).as("no storm: once flapping, the verdict holds").hasSize(beforeHeld);
        assertThat(beforeHeld).isLessThanOrEqualTo(12);

        healthyRounds((int) (VerdictRules.defaults().flapWindow().toSeconds() / 2) + 2);
        assertThat(r.findings(Finding.FlappingStopped.class)).hasSize(1);
        assertThat(r.verdict()).isEqualTo(Verdict.UP);
    }

    @Test
    void twoInstancesFedTheSameHeartbeatsAgreeOnEveryTransitionId() {
        Rounds other = new Rounds(VerdictRules.defaults());
        for (int i = 0; i < 30; i++) {
            boolean a = i < 10 || i > 20;
            boolean b = i < 12 || i > 22;
            for (Rounds each : List.of(r, other)) {
                each.web("obs-a", "eu-west", a).web("obs-b", "us-east", b);
            }
            r.tick();
            // The other instance evaluates at another moment of the round: ids must not depend on it.
            other.findings.addAll(other.engine.evaluate(other.now().plusMillis(1700)));
            other.round++;
        }

        assertThat(r.transitions()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(other.transitions()).extracting(SiteJudgement::transitionId)
                .containsExactlyElementsOf(r.transitions().stream().map(SiteJudgement::transitionId).toList());
    }

    @Test
    void aLoneObserverNeverTakesASiteDownUnlessToldItMay() {
        for (int i = 0; i < 10; i++) {
            r.web("obs-a", "eu-west", i < 3).tick();
        }
        assertThat(r.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(r.judgement().reason()).contains("short of the quorum of 2 observers in 1 location");

        VerdictRules d = VerdictRules.defaults();
        Rounds single = new Rounds(new VerdictRules(d.downAfter(), d.upAfter(), d.quorum(), d.minLocations(),
                d.staleAfter(), d.forgetAfter(), d.flapChanges(), d.flapWindow(), 1));
        for (int i = 0; i < 10; i++) {
            single.web("obs-a", "eu-west", i < 3).tick();
        }
        assertThat(single.verdict()).isEqualTo(Verdict.DOWN);
        assertThat(single.judgement().reason()).startsWith("down: 1/1 observers in 1 location, ");
    }

    @Test
    void aFixedQuorumLargerThanTheObserversReportingCannotBeMet() {
        Rounds strict = new Rounds(VerdictRules.defaults().withQuorum(Quorum.atLeast(3)));
        for (int i = 0; i < 10; i++) {
            strict.web("obs-a", "eu-west", i < 3).web("obs-b", "us-east", i < 3).tick();
        }
        assertThat(strict.verdict()).isEqualTo(Verdict.DEGRADED);
        assertThat(Quorum.parse("majority").required(5)).isEqualTo(3);
        assertThat(Quorum.parse("2").required(5)).isEqualTo(2);
    }
}
