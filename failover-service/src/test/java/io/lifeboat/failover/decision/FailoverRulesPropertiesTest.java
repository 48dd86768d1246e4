package io.lifeboat.failover.decision;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverDecision;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;
import io.lifeboat.failover.runbook.Driver;
import io.lifeboat.failover.state.DrState;
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
import java.util.Set;

import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated sequences of verdicts (flapping, duplicated, late, with and without quorum), lag reports and the passing of
 * time, run through the real rules and runbook engine (commands answered at once, DNS a recording fake).
 */
class FailoverRulesPropertiesTest {

    sealed interface Step permits VerdictStep, LagStep, TickStep, DuplicateStep {
    }

    /** @param aboutActive the active site at that moment, else the standby */
    record VerdictStep(boolean aboutActive, Verdict verdict, boolean quorum, int ageSeconds) implements Step {
    }

    record LagStep(long lagMs) implements Step {
    }

    record TickStep(int seconds) implements Step {
    }

    record DuplicateStep() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> verdict = Combinators.combine(Arbitraries.of(true, true, false),
                Arbitraries.of(Verdict.DOWN, Verdict.DOWN, Verdict.UP, Verdict.UP, Verdict.DEGRADED),
                Arbitraries.of(true, true, false), Arbitraries.integers().between(0, 12))
                .as(VerdictStep::new);
        Arbitrary<Step> lag = Arbitraries.longs().between(0, 12_000).map(LagStep::new);
        Arbitrary<Step> tick = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 20)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(300, 700))).map(TickStep::new);
        Arbitrary<Step> dup = Arbitraries.just(new DuplicateStep());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, verdict), net.jqwik.api.Tuple.of(3, lag),
                net.jqwik.api.Tuple.of(3, tick), net.jqwik.api.Tuple.of(1, dup))
                .list().ofMinSize(1).ofMaxSize(100);
    }

    /** What happened in one simulated run. */
    static final class World {
        Instant now = T0;
        DrState state = initial();
        /** A steady world to start from: the standby UP, a small fresh lag. */
        Observations obs = healthy(T0);
        final Driver driver = new Driver();
        final Map<String, SiteVerdictChanged> verdictsById = new HashMap<>();
        final List<Instant> automaticFailovers = new ArrayList<>();
        SiteVerdictChanged last;
        int n;

        Context cx() {
            return at(now);
        }

        Transition apply(Step step) {
            Transition t;
            if (step instanceof VerdictStep v) {
                String site = v.aboutActive() ? state.activeSite() : state.standbySite();
                Instant since = now.minusSeconds(v.ageSeconds());
                VerdictEvidence evidence = v.verdict() == Verdict.DOWN
                        ? (v.quorum() ? quorum(since.minusSeconds(1)) : oneObserver(since.minusSeconds(1)))
                        : new VerdictEvidence(List.of("o1", "o2"), 2, List.of("a", "b"), List.of(), null);
                SiteVerdictChanged verdict = new SiteVerdictChanged("t" + (n++), site, v.verdict(), Verdict.UNKNOWN,
                        since, "generated", evidence, "o1");
                t = onVerdict(verdict);
            } else if (step instanceof DuplicateStep) {
                if (last == null) {
                    return Transition.quiet(state, "nothing to repeat");
                }
                t = onVerdict(last);
            } else if (step instanceof LagStep l) {
                obs = obs.with(new ReplicationLag(LINK, io.lifeboat.events.LinkKind.DATABASE, state.activeSite(),
                        state.standbySite(), l.lagMs(), 0, null, null, null, null,
                        io.lifeboat.events.LinkState.STREAMING, now));
                t = Transition.quiet(state, "lag");
            } else {
                now = now.plusSeconds(((TickStep) step).seconds());
                t = FailoverRules.onTick(state, obs, cx());
            }
            record(t);
            state = driver.run(t.next(), obs, cx());
            return t;
        }

        private Transition onVerdict(SiteVerdictChanged verdict) {
            last = verdict;
            verdictsById.put(verdict.transitionId(), verdict);
            obs = obs.with(verdict);
            return FailoverRules.onVerdict(state, obs, verdict, cx());
        }

        private void record(Transition t) {
            for (var o : t.out()) {
                if (o.type() == EventTypes.FAILOVER_DECIDED) {
                    FailoverDecision d = (FailoverDecision) o.payload();
                    if (d.action().equals("FAIL_OVER") && d.decidedBy().equals(cx().self())) {
                        automaticFailovers.add(now);
                        SiteVerdictChanged cause = verdictsById.get(d.verdictTransitionId());
                        assertThat(cause).as("an automatic failover names the verdict it rests on").isNotNull();
                        assertThat(FailoverRules.quorumProblem(cause.evidence(), POLICY))
                                .as("never an automatic failover without quorum: " + d.reason()).isNull();
                        assertThat(Duration.between(cause.since(), now)).isGreaterThanOrEqualTo(POLICY.grace());
                        SiteVerdictChanged standby = obs.verdict(state.standbySite());
                        assertThat(standby).isNotNull();
                        assertThat(standby.verdict()).isEqualTo(Verdict.UP);
                        java.time.Instant outageSince = cause.evidence() != null && cause.evidence().failingSince() != null
                                ? cause.evidence().failingSince() : cause.since();
                        assertThat(obs.lagsInto(state.standbySite(), outageSince)).isNotEmpty().allSatisfy(l ->
                                assertThat(l.lagMs()).isLessThanOrEqualTo(POLICY.allowedDataLoss().toMillis()));
                    }
                }
            }
        }
    }

    private static List<String> actions(Transition t) {
        return t.out().stream().filter(o -> o.type() == EventTypes.FAILOVER_DECIDED)
                .map(o -> ((FailoverDecision) o.payload()).action()).toList();
    }

    @Property(tries = 400)
    void neverAnAutomaticFailoverWithoutQuorumGraceHealthyStandbyAndBoundedLag(@ForAll("sequences") List<Step> steps) {
        World world = new World();
        steps.forEach(world::apply); // the assertions are in World.record
        assertThat(world.state.epoch()).isGreaterThanOrEqualTo(1);
    }

    @Property(tries = 2000)
    void neverTwoAutomaticFailoversWithinTheCooldown(@ForAll("sequences") List<Step> steps) {
        World world = new World();
        steps.forEach(world::apply);
        Statistics.label("automatic failovers").collect(Math.min(world.automaticFailovers.size(), 2));
        Statistics.label("automatic failovers").coverage(c -> {
            c.check(1).percentage(p -> p > 5);
            c.check(2).percentage(p -> p > 0.1);
        });
        for (int i = 1; i < world.automaticFailovers.size(); i++) {
            assertThat(Duration.between(world.automaticFailovers.get(i - 1), world.automaticFailovers.get(i)))
                    .isGreaterThanOrEqualTo(POLICY.cooldown());
        }
    }

    @Property(tries = 400)
    void aRecoveryOfTheActiveSiteBeforeTheSwitchAlwaysCancels(@ForAll("sequences") List<Step> steps) {
        World world = new World();
        int cancels = 0;
        for (Step step : steps) {
            DrState before = world.state;
            // A recovery: UP for the active site, newer than the DOWN that is being decided on.
            boolean recovery = step instanceof VerdictStep v && v.aboutActive() && v.verdict() == Verdict.UP
                    && before.pending() != null
                    && !world.now.minusSeconds(v.ageSeconds()).isBefore(before.pending().verdictSince());
            Transition t = world.apply(step);
            if (recovery) {
                cancels++;
                assertThat(actions(t)).containsExactly("CANCEL");
                assertThat(t.next().pending()).isNull();
                assertThat(t.next().phase()).isIn(FailoverPhase.NORMAL, FailoverPhase.ON_DR);
                assertThat(t.next().activeSite()).isEqualTo(before.activeSite());
            }
        }
        Statistics.label("recoveries while deciding").collect(cancels > 0);
        Statistics.label("recoveries while deciding").coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    @Property(tries = 400)
    void theStateStaysConsistent(@ForAll("sequences") List<Step> steps) {
        World world = new World();
        long epoch = world.state.epoch();
        for (Step step : steps) {
            String activeBefore = world.state.activeSite();
            world.apply(step);
            DrState s = world.state;
            assertThat(s.epoch()).isGreaterThanOrEqualTo(epoch);
            if (!s.activeSite().equals(activeBefore)) {
                assertThat(s.epoch()).as("the active site only moves with a new epoch").isGreaterThan(epoch);
            }
            epoch = s.epoch();
            assertThat(s.activeSite()).isNotEqualTo(s.standbySite());
            assertThat(Set.of(s.activeSite(), s.standbySite())).containsExactlyInAnyOrder("home", "offsite");
            assertThat(s.pending() != null).isEqualTo(
                    s.phase() == FailoverPhase.DECIDING || s.phase() == FailoverPhase.AWAITING_APPROVAL);
            if (s.phase() == FailoverPhase.NORMAL) {
                assertThat(s.activeSite()).isEqualTo("home");
            }
            if (s.phase() == FailoverPhase.ON_DR) {
                assertThat(s.activeSite()).isEqualTo("offsite");
            }
            assertThat(s.phase()).isNotIn(FailoverPhase.FAILING_OVER, FailoverPhase.STUCK); // answered at once
        }
    }

    @Property(tries = 200)
    void duplicatesAndStandbyVerdictsNeverChangeThePhase(@ForAll("sequences") List<Step> steps) {
        World world = new World();
        for (Step step : steps) {
            FailoverPhase before = world.state.phase();
            String activeBefore = world.state.activeSite();
            boolean inert = step instanceof DuplicateStep && world.last != null
                    || step instanceof VerdictStep v && !v.aboutActive();
            Transition t = world.apply(step);
            if (inert && !(step instanceof DuplicateStep && t.reason().equals("nothing to repeat"))) {
                assertThat(actions(t)).containsExactly("NO_ACTION");
                assertThat(world.state.phase()).isEqualTo(before);
                assertThat(world.state.activeSite()).isEqualTo(activeBefore);
            }
        }
    }
}
