package io.lifeboat.events.epoch;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission rule over generated histories: failover-service's leader raises the epoch now and then and issues
 * commands at the epoch it holds; forgers send commands with any epoch at any moment. Whatever the forgers sent
 * before, a real command is admitted; a command at any other epoch never is.
 */
class EpochAdmissionPropertiesTest {

    /** One step of a history: the leader raises its epoch by {@code raise} (0: no raise), then one command. */
    record Step(int raise, boolean forged, long forgedEpoch) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.oneOf(Arbitraries.longs().between(-3, 12), Arbitraries.longs().between(1, Long.MAX_VALUE),
                        Arbitraries.just(Long.MAX_VALUE))).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property
    void realCommandsAreAlwaysAdmittedAndNothingElseEverIs(@ForAll("histories") List<Step> history) {
        long held = 1;
        for (Step s : history) {
            held += s.raise();
            if (s.forged()) {
                EpochAdmission.Decision d = EpochAdmission.admit(s.forgedEpoch(), OptionalLong.of(held));
                assertThat(d.admitted()).as(d.reason()).isEqualTo(s.forgedEpoch() == held);
                if (s.forgedEpoch() > held) {
                    assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.FROM_NOWHERE);
                    assertThat(d.reason()).contains("newer than any failover-service published");
                } else if (s.forgedEpoch() < held) {
                    assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.STALE);
                }
            } else {
                EpochAdmission.Decision d = EpochAdmission.admit(held, OptionalLong.of(held));
                assertThat(d.verdict()).as(d.reason()).isEqualTo(EpochAdmission.Verdict.ADMITTED);
            }
        }
    }

    @Property
    void withoutAPublishedStateNothingIsAdmitted(@ForAll long epoch) {
        EpochAdmission.Decision d = EpochAdmission.admit(epoch, OptionalLong.empty());
        assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.NO_EPOCH);
        assertThat(d.admitted()).isFalse();
    }

    @Property
    void theReasonNamesBothEpochs(@ForAll @LongRange(min = 0, max = 1_000_000) long epoch,
            @ForAll @LongRange(min = 0, max = 1_000_000) long held) {
        EpochAdmission.Decision d = EpochAdmission.admit(epoch, OptionalLong.of(held));
        assertThat(d.reason()).contains(Long.toString(epoch)).contains(Long.toString(held));
    }
}
