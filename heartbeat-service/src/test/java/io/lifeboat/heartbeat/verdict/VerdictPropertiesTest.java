package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated histories of heartbeats against the verdict logic. The checks do not ask the engine why: they recompute
 * from the raw heartbeats what each observer saw, with the rules as the issue states them.
 */
class VerdictPropertiesTest {

    private static final VerdictRules RULES = VerdictRules.defaults();
    private static final String[] LOCATIONS = {"eu-west", "us-east"};

    /** One round: per observer, -1 silent, else bit 0 = web ok, bit 1 = db ok. */
    record Round(int[] outcome) {
    }

    @Provide
    Arbitrary<List<Round>> histories() {
        Arbitrary<Integer> observers = Arbitraries.integers().between(2, 4);
        return observers.flatMap(n -> round(n).list().ofMinSize(5).ofMaxSize(80));
    }

    private Arbitrary<Round> round(int observers) {
        // Outages hit every observer at once; cut-offs and noise hit one; silence is an observer that stopped.
        Arbitrary<Boolean> outage = Arbitraries.of(true, false, false, false);
        Arbitrary<Integer> each = Arbitraries.frequency(
                Tuple.of(1, -1), Tuple.of(3, 0), Tuple.of(1, 1), Tuple.of(2, 2), Tuple.of(8, 3));
        return Combinators.combine(outage, each.array(Integer[].class).ofSize(observers)).as((siteDown, outcomes) -> {
            int[] o = new int[observers];
            for (int i = 0; i < observers; i++) {
                o[i] = siteDown && outcomes[i] >= 0 ? 0 : outcomes[i];
            }
            return new Round(o);
        });
    }

    @Property(tries = 300)
    void downOnlyWhenAQuorumOfFreshObserversInEnoughLocationsSawEveryCriticalTargetFailing(
            @ForAll("histories") List<Round> history) {
        Replay replay = replay(history, 1000);
        for (Replay.Step step : replay.steps) {
            for (SiteJudgement j : step.transitions) {
                if (j.verdict() != Verdict.DOWN) {
                    continue;
                }
                Set<String> fresh = step.freshObservers;
                assertThat(fresh).containsAll(j.evidence().agreeingObservers());
                assertThat(j.evidence().agreeingObservers()).hasSizeGreaterThanOrEqualTo(2);
                assertThat(j.evidence().agreeingObservers().size() * 2).as("a majority of %s", fresh)
                        .isGreaterThan(fresh.size());
                long freshLocations = fresh.stream().map(VerdictPropertiesTest::locationOf).distinct().count();
                assertThat(j.evidence().locations()).hasSizeGreaterThanOrEqualTo((int) Math.min(2, freshLocations));
                for (String observer : j.evidence().agreeingObservers()) {
                    assertThat(step.oracle.get(observer + " " + Rounds.WEB)).as(observer).isEqualTo(TargetTrack.State.FAILING);
                }
            }
        }
    }

    @Property(tries = 300)
    void upOnlyWhenEveryFreshObserverSawMGoodResultsOfEveryTarget(@ForAll("histories") List<Round> history) {
        Replay replay = replay(history, 1000);
        for (Replay.Step step : replay.steps) {
            for (SiteJudgement j : step.transitions) {
                if (j.verdict() == Verdict.UP) {
                    assertThat(j.evidence().agreeingObservers()).containsExactlyInAnyOrderElementsOf(step.freshObservers);
                    for (String observer : step.freshObservers) {
                        assertThat(step.oracle.get(observer + " " + Rounds.WEB)).isEqualTo(TargetTrack.State.OK);
                        assertThat(step.oracle.get(observer + " " + Rounds.DB)).isEqualTo(TargetTrack.State.OK);
                    }
                }
            }
        }
    }

    @Property(tries = 300)
    void everyTransitionChangesTheVerdictAndFollowsFromThePreviousOne(@ForAll("histories") List<Round> history) {
        Verdict current = Verdict.UNKNOWN;
        Set<String> ids = new HashSet<>();
        for (Replay.Step step : replay(history, 1000).steps) {
            for (SiteJudgement j : step.transitions) {
                assertThat(j.previous()).isEqualTo(current);
                assertThat(j.verdict()).isNotEqualTo(current);
                assertThat(ids.add(j.transitionId())).as("transition ids are unique: %s", j.transitionId()).isTrue();
                assertThat(j.reason()).startsWith(j.verdict().name().toLowerCase() + ":");
                current = j.verdict();
            }
        }
    }

    @Property(tries = 200)
    void instancesThatSeeTheSameHeartbeatsAgreeOnEveryTransition(@ForAll("histories") List<Round> history,
            @ForAll @IntRange(min = 100, max = 1900) int otherEvaluatesAt) {
        List<String> one = replay(history, 1000).transitionIds();
        List<String> other = replay(history, otherEvaluatesAt).transitionIds();
        assertThat(other).isEqualTo(one);
    }

    @Property(tries = 300)
    void anObserverCutOffAloneNeverTakesASiteDown(@ForAll @Size(min = 5, max = 80) List<@IntRange(min = -1, max = 3) Integer> cutOff) {
        List<Round> history = cutOff.stream().map(a -> new Round(new int[] {a, 3})).toList();
        assertThat(replay(history, 1000).verdicts()).doesNotContain(Verdict.DOWN);
    }

    @Property(tries = 200)
    void onceATargetFlapsTheSiteHoldsAtDegradedWhileItKeepsFlapping(
            @ForAll @Size(min = 40, max = 80) List<@IntRange(min = 1, max = 4) Integer> runs) {
        // Runs of at most 4 equal results, the same at both observers: at least one change every 4 rounds.
        List<Round> history = new ArrayList<>();
        boolean ok = true;
        for (int run : runs) {
            for (int i = 0; i < run; i++) {
                int o = ok ? 3 : 2;
                history.add(new Round(new int[] {o, o}));
            }
            ok = !ok;
        }
        Replay replay = replay(history, 1000);
        boolean flapping = false;
        for (Replay.Step step : replay.steps) {
            if (flapping) {
                assertThat(step.transitions).as("no transitions while flapping").isEmpty();
            }
            flapping |= step.flappingStarted;
            if (flapping) {
                assertThat(replay.engine.site("home").orElseThrow().verdict()).isEqualTo(Verdict.DEGRADED);
            }
        }
    }

    private static String locationOf(String observer) {
        return LOCATIONS[Integer.parseInt(observer.substring(4)) % 2];
    }

    /**
     * Feeds a history to a fresh engine, evaluating {@code evaluateAtMs} into each round, and takes a step (with what
     * the raw heartbeats say at that moment) after every call that produced findings.
     */
    private static Replay replay(List<Round> history, int evaluateAtMs) {
        Replay replay = new Replay();
        Map<String, List<Boolean>> results = new HashMap<>();
        Map<String, Instant> lastHeard = new HashMap<>();
        for (int r = 0; r < history.size(); r++) {
            Instant t = Rounds.T0.plus(Rounds.INTERVAL.multipliedBy(r));
            int[] outcome = history.get(r).outcome();
            for (int i = 0; i < outcome.length; i++) {
                if (outcome[i] < 0) {
                    continue;
                }
                String observer = "obs-" + i;
                boolean web = (outcome[i] & 1) != 0;
                boolean db = (outcome[i] & 2) != 0;
                results.computeIfAbsent(observer + " " + Rounds.WEB, k -> new ArrayList<>()).add(web);
                lastHeard.put(observer, t.plusMillis(20));
                replay.step(replay.engine.observe(observation(observer, Rounds.WEB, true, web, t), t.plusMillis(20)),
                        t.plusMillis(20), results, lastHeard);
                results.computeIfAbsent(observer + " " + Rounds.DB, k -> new ArrayList<>()).add(db);
                lastHeard.put(observer, t.plusMillis(40));
                replay.step(replay.engine.observe(observation(observer, Rounds.DB, false, db, t), t.plusMillis(40)),
                        t.plusMillis(40), results, lastHeard);
            }
            Instant now = t.plusMillis(evaluateAtMs);
            replay.step(replay.engine.evaluate(now), now, results, lastHeard);
        }
        return replay;
    }

    /** The rule, written out: FAILING after N failures in a row, OK after M successes in a row. */
    private static TargetTrack.State hysteresis(List<Boolean> results) {
        TargetTrack.State state = TargetTrack.State.UNKNOWN;
        int run = 0;
        Boolean last = null;
        for (boolean ok : results) {
            run = last != null && last == ok ? run + 1 : 1;
            last = ok;
            if (ok && run >= RULES.upAfter()) {
                state = TargetTrack.State.OK;
            } else if (!ok && run >= RULES.downAfter()) {
                state = TargetTrack.State.FAILING;
            }
        }
        return state;
    }

    private static Observation observation(String observer, String target, boolean critical, boolean ok, Instant at) {
        return new Observation("home", target, critical, observer, locationOf(observer), ok, ok ? null : "TIMEOUT",
                ok ? null : "no answer within 1500 ms", at);
    }

    private static final class Replay {
        final VerdictEngine engine = new VerdictEngine(RULES, List.of("home"));
        final List<Step> steps = new ArrayList<>();

        record Step(List<SiteJudgement> transitions, Set<String> freshObservers,
                Map<String, TargetTrack.State> oracle, boolean flappingStarted) {
        }

        void step(List<Finding> findings, Instant now, Map<String, List<Boolean>> results, Map<String, Instant> lastHeard) {
            Set<String> fresh = new HashSet<>();
            lastHeard.forEach((observer, at) -> {
                if (!at.plus(RULES.staleAfter()).isBefore(now)) {
                    fresh.add(observer);
                }
            });
            Map<String, TargetTrack.State> oracle = new HashMap<>();
            results.forEach((key, list) -> oracle.put(key, hysteresis(list)));
            steps.add(new Step(findings.stream().filter(f -> f instanceof Finding.VerdictChanged)
                    .map(f -> ((Finding.VerdictChanged) f).judgement()).toList(),
                    fresh, oracle, findings.stream().anyMatch(f -> f instanceof Finding.FlappingStarted)));
        }

        List<String> transitionIds() {
            return steps.stream().flatMap(s -> s.transitions.stream()).map(SiteJudgement::transitionId).toList();
        }

        List<Verdict> verdicts() {
            return steps.stream().flatMap(s -> s.transitions.stream()).map(SiteJudgement::verdict).toList();
        }
    }
}
