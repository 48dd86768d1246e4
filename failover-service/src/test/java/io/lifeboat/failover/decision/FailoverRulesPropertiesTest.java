package io.lifeboat.failover.decision;

import io.lifeboat.events.Consistency;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverDecision;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.StandbyConsistency;
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
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
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

    sealed interface Step permits VerdictStep, LagStep, FilesLagStep, TickStep, DuplicateStep {
    }

    /** @param aboutActive the active site at that moment, else the standby */
    record VerdictStep(boolean aboutActive, Verdict verdict, boolean quorum, int ageSeconds) implements Step {
    }

    /** @param consistency what the database link says of its standby; null as an older replication-service */
    record LagStep(long lagMs, StandbyConsistency consistency) implements Step {
    }

    /** A files link's report, which carries no consistency at all. */
    record FilesLagStep(long lagMs) implements Step {
    }

    record TickStep(int seconds) implements Step {
    }

    record DuplicateStep() implements Step {
    }

    /**
     * The standby mostly consistent and no files links, so that automatic failovers (and second ones, which are
     * rare: a files report older than the outage also asks a person) happen often enough.
     */
    @Provide
    Arbitrary<List<Step>> sequences() {
        return sequences(60, 0);
    }

    /** A standby that is often not consistent, and files links reporting beside it, for the properties about them. */
    @Provide
    Arbitrary<List<Step>> oftenInconsistent() {
        return sequences(4, 1);
    }

    private static Arbitrary<List<Step>> sequences(int consistentWeight, int filesWeight) {
        Arbitrary<Step> verdict = Combinators.combine(Arbitraries.of(true, true, false),
                Arbitraries.of(Verdict.DOWN, Verdict.DOWN, Verdict.UP, Verdict.UP, Verdict.DEGRADED),
                Arbitraries.of(true, true, false), Arbitraries.integers().between(0, 12))
                .as(VerdictStep::new);
        Arbitrary<StandbyConsistency> consistency = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(consistentWeight, Arbitraries.just(CONSISTENT)),
                net.jqwik.api.Tuple.of(4, Arbitraries.of(Consistency.COPYING, Consistency.TABLE_STOPPED,
                        Consistency.GAP, Consistency.UNKNOWN).map(c -> new StandbyConsistency(c, "generated " + c, 1, 3))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((StandbyConsistency) null)));
        Arbitrary<Step> lag = Combinators.combine(Arbitraries.longs().between(0, 12_000), consistency)
                .as(LagStep::new);
        Arbitrary<Step> filesLag = Arbitraries.longs().between(0, 3_000).map(FilesLagStep::new);
        Arbitrary<Step> tick = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 20)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(300, 700))).map(TickStep::new);
        Arbitrary<Step> dup = Arbitraries.just(new DuplicateStep());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, verdict), net.jqwik.api.Tuple.of(3, lag),
                net.jqwik.api.Tuple.of(filesWeight, filesLag),
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

        /** The policy the rules follow; the pause property turns automatic reverse on. */
        Policy policy = POLICY;

        Context cx() {
            return new Context(now, policy, at(now).self());
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
                obs = obs.with(lag(state.activeSite(), state.standbySite(), l.lagMs(), now, l.consistency()));
                t = Transition.quiet(state, "lag");
            } else if (step instanceof FilesLagStep f) {
                obs = obs.with(filesLag(state.activeSite(), state.standbySite(), f.lagMs(), now));
                t = Transition.quiet(state, "files lag");
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
                        assertThat(Conditions.quorumProblem(cause.evidence(), POLICY))
                                .as("never an automatic failover without quorum: " + d.reason()).isNull();
                        assertThat(Duration.between(cause.since(), now)).isGreaterThanOrEqualTo(POLICY.grace());
                        SiteVerdictChanged standby = obs.verdict(state.standbySite());
                        assertThat(standby).isNotNull();
                        assertThat(standby.verdict()).isEqualTo(Verdict.UP);
                        java.time.Instant outageSince = cause.evidence() != null && cause.evidence().failingSince() != null
                                ? cause.evidence().failingSince() : cause.since();
                        assertThat(obs.lagsInto(state.standbySite(), outageSince)).isNotEmpty().allSatisfy(l ->
                                assertThat(l.lagMs()).isLessThanOrEqualTo(POLICY.allowedDataLoss().toMillis()));
                        List<ReplicationLag> databaseLinks = obs.lagsInto(state.standbySite()).stream()
                                .filter(l -> l.kind() == LinkKind.DATABASE).toList();
                        assertThat(databaseLinks).as("never an automatic failover while a database link is not "
                                + "consistent: " + d.reason()).isNotEmpty().allSatisfy(l -> {
                                    assertThat(l.consistency()).isNotNull();
                                    assertThat(l.consistency().consistent()).isTrue();
                                });
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

    /**
     * The assertion is in World.record, as for the other conditions; here also that the property is not vacuous:
     * some runs lose the active site while the standby is not consistent, and a person is asked for that reason.
     */
    @Property(tries = 1000)
    void neverAnAutomaticFailoverWhileADatabaseLinkIsNotConsistent(@ForAll("oftenInconsistent") List<Step> steps) {
        World world = new World();
        boolean askedForConsistency = false;
        for (Step step : steps) {
            Transition t = world.apply(step);
            askedForConsistency |= t.out().stream().filter(o -> o.type() == EventTypes.FAILOVER_DECIDED)
                    .map(o -> (FailoverDecision) o.payload())
                    .anyMatch(d -> d.action().equals("AWAIT_APPROVAL") && d.reason().contains("(link " + LINK + ")")
                            && !d.reason().contains("standby lag"));
        }
        Statistics.label("asked because the standby was not consistent").collect(askedForConsistency);
        Statistics.label("asked because the standby was not consistent")
                .coverage(c -> c.check(true).percentage(p -> p > 2));
    }

    /** Files links carry no consistency: whatever they report, the consistency condition is the database links' alone. */
    @Property(tries = 400)
    void aFilesLinkNeverMakesTheStandbyInconsistent(@ForAll("oftenInconsistent") List<Step> steps) {
        World world = new World();
        for (Step step : steps) {
            world.apply(step);
            String standby = world.state.standbySite();
            Map<String, ReplicationLag> databaseOnly = new HashMap<>(world.obs.lags());
            databaseOnly.remove(FILES_LINK);
            Observations withoutFiles = new Observations(world.obs.verdicts(), databaseOnly);
            assertThat(Conditions.consistencyProblems(world.obs, standby, POLICY))
                    .isEqualTo(Conditions.consistencyProblems(withoutFiles, standby, POLICY))
                    .noneMatch(problem -> problem.contains(FILES_LINK));
        }
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

    /**
     * Maintenance mode: pauses and resumes at generated moments between the steps, automatic reverse on. While
     * paused, no rule starts a failover or a failback by itself, and none lifts the pause; a person is asked instead.
     */
    @Property(tries = 600)
    void whilePausedNothingAutomaticStarts(@ForAll("sequences") List<Step> steps, @ForAll boolean startPaused,
            @ForAll @Size(max = 100) List<@IntRange(min = 0, max = 9) Integer> dice) {
        World world = new World();
        world.policy = POLICY.withAutomaticReverse(Duration.ofSeconds(30));
        if (startPaused) {
            world.state = MaintenanceMode.pause(world.state, "alice", "operator", "maintenance", world.cx()).next();
        }
        boolean askedBecausePaused = false;
        for (int i = 0; i < steps.size(); i++) {
            if (i < dice.size() && dice.get(i) == 0) {
                world.state = world.state.paused() == null
                        ? MaintenanceMode.pause(world.state, "alice", "operator", "maintenance", world.cx()).next()
                        : MaintenanceMode.resume(world.state, "alice", "operator", "done", world.cx()).next();
            }
            boolean paused = world.state.paused() != null;
            Transition t = world.apply(steps.get(i));
            if (!paused) {
                continue;
            }
            assertThat(t.out()).filteredOn(o -> o.type() == EventTypes.FAILOVER_DECIDED)
                    .map(o -> (FailoverDecision) o.payload())
                    .as("no automatic failover or failback while paused")
                    .noneMatch(d -> List.of("FAIL_OVER", "FAIL_BACK").contains(d.action())
                            && d.decidedBy().equals(world.cx().self()));
            assertThat(world.state.paused()).as("only resume lifts the pause").isNotNull();
            askedBecausePaused |= actions(t).contains("AWAIT_APPROVAL") && t.reason().contains("paused by alice: maintenance");
        }
        Statistics.label("asked a person because paused").collect(askedBecausePaused);
        Statistics.label("asked a person because paused").coverage(c -> c.check(true).percentage(p -> p > 5));
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
