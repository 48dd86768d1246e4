package io.lifeboat.heartbeat.warden;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated histories of a site warden: time passing in steps, renewals acknowledged late or not at all, DR states
 * (this site active or not, epochs going up, repeated or older), fences that succeed or fail. Checked against a
 * model of the lease that knows only when the newest acknowledged renewal was sent.
 */
class WardenRulesPropertiesTest {

    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final long MS = 1_000_000L;

    sealed interface Step permits Pass, Ack, State, Result {
    }

    /** Time passes, then a tick. */
    record Pass(int millis) implements Step {
    }

    /** A renewal sent {@code age} ms ago is acknowledged now. */
    record Ack(int ageMillis) implements Step {
    }

    /** The DR state: this site active or not, its epoch moved by {@code epochStep} (may go back). */
    record State(boolean ours, int epochStep) implements Step {
    }

    /** The fence asked for finished. */
    record Result(boolean ok) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> pass = Arbitraries.integers().between(1, 2_500).map(Pass::new);
        Arbitrary<Step> ack = Arbitraries.integers().between(0, 3_000).map(Ack::new);
        Arbitrary<Step> state = Combinators.combine(Arbitraries.of(true, true, true, false),
                Arbitraries.of(0, 0, 1, -1)).as(State::new);
        Arbitrary<Step> result = Arbitraries.of(true, false).map(Result::new);
        return Arbitraries.frequencyOf(Tuple.of(8, pass), Tuple.of(6, ack), Tuple.of(2, state), Tuple.of(2, result))
                .list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 500)
    void theSiteFencesWhenAndOnlyWhenItsLeaseRunsOutOrItsRoleMoves(@ForAll("histories") List<Step> steps) {
        WardenRules rules = new WardenRules("home", LEASE);
        long now = 1_000 * MS;
        WardenState s = WardenState.start(now);
        long lastRenewal = now;
        long epoch = 1;
        int fences = 0;
        int results = 0;
        int alerts = 0;
        boolean everFencing = false;
        for (Step step : steps) {
            WardenState before = s;
            WardenRules.Decision d;
            if (step instanceof Pass p) {
                now += p.millis() * MS;
                d = rules.on(s, new WardenInput.Tick(now));
                long since = now - lastRenewal;
                if (before.standing().holdsLease()) {
                    if (since > LEASE.toNanos()) {
                        // The lease ran out: the very tick that sees it fences.
                        assertThat(d.next().standing()).isEqualTo(Standing.FENCING);
                        assertThat(d.effects()).hasOnlyElementsOfType(WardenEffect.Fence.class).hasSize(1);
                        assertThat(d.reason()).contains("not renewed for");
                    } else {
                        // Renewed in time: never a fence.
                        assertThat(d.effects()).isEmpty();
                        assertThat(d.next()).isEqualTo(before);
                    }
                }
            } else if (step instanceof Ack a) {
                long sent = now - a.ageMillis() * MS;
                lastRenewal = Math.max(lastRenewal, sent);
                d = rules.on(s, new WardenInput.Renewed(sent, now));
                assertThat(d.effects()).isEmpty();
                assertThat(d.next().renewedAt()).isEqualTo(lastRenewal);
            } else if (step instanceof State st) {
                long seen = Math.max(0, epoch + st.epochStep());
                d = rules.on(s, new WardenInput.StateSeen(st.ours() ? "home" : "offsite", seen, now));
                if (seen < before.epoch()) {
                    assertThat(d.next()).isEqualTo(before);
                } else if (before.standing() == Standing.FENCED && st.ours() && "offsite".equals(before.activeSite())) {
                    // A failback made this site active again: the lease is held again, the fence is history.
                    assertThat(d.next().standing()).isEqualTo(Standing.HOLDING);
                    assertThat(d.next().cause()).isNull();
                    assertThat(d.effects()).isEmpty();
                    everFencing = false;
                    alerts = 0;
                } else if (before.standing() == Standing.HOLDING && !st.ours()) {
                    // The role moved away while the lease was held: fence.
                    assertThat(d.next().standing()).isEqualTo(Standing.FENCING);
                    assertThat(d.effects()).hasOnlyElementsOfType(WardenEffect.Fence.class).hasSize(1);
                } else {
                    assertThat(d.effects()).isEmpty();
                }
                epoch = Math.max(epoch, seen);
            } else {
                Result r = (Result) step;
                d = rules.on(s, new WardenInput.FenceResult(r.ok(), r.ok() ? List.of("app") : List.of(), 1,
                        "by the test", now));
                if (before.standing() == Standing.FENCING && before.fenceInFlight()) {
                    results++;
                    if (r.ok()) {
                        assertThat(d.next().standing()).isEqualTo(Standing.FENCED);
                        assertThat(d.effects()).singleElement().isInstanceOf(WardenEffect.Alert.class);
                        assertThat(((WardenEffect.Alert) d.effects().get(0)).reason())
                                .contains("fenced itself " + WardenRules.words(now - before.lostAt()));
                    } else {
                        assertThat(d.next().fenceInFlight()).isFalse();
                    }
                } else {
                    assertThat(d.next()).isEqualTo(before);
                }
            }
            fences += (int) d.effects().stream().filter(e -> e instanceof WardenEffect.Fence).count();
            alerts += (int) d.effects().stream().filter(e -> e instanceof WardenEffect.Alert).count();
            s = d.next();
            // Once fencing, never back but by a failback's newer epoch (above): the warden does not unfence.
            if (everFencing) {
                assertThat(s.standing().fencing()).isTrue();
            }
            everFencing |= s.standing().fencing();
            // One fence at a time: every fence asked for has had its result, but the one in flight.
            assertThat(fences).isEqualTo(results + (s.fenceInFlight() ? 1 : 0));
            assertThat(alerts).isLessThanOrEqualTo(1);
            assertThat(alerts == 1).isEqualTo(s.standing() == Standing.FENCED);
        }
        Statistics.collect(s.standing());
    }
}
