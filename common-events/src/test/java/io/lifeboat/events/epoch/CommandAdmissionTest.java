package io.lifeboat.events.epoch;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A command readable a moment before the state of its own transaction is run, not refused as a forgery. */
class CommandAdmissionTest {

    @Test
    void aStateThatTrailsItsCommandIsWaitedFor() {
        // The held epoch as three reads find it: the state of epoch 8 becomes readable at the third.
        Deque<Long> reads = new ArrayDeque<>(List.of(7L, 7L, 8L));
        EpochAdmission.Decision d = CommandAdmission.settled(8, () -> OptionalLong.of(reads.size() > 1
                ? reads.poll() : reads.peek()), Duration.ofSeconds(3));
        assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.ADMITTED);
        assertThat(reads).containsExactly(8L);
    }

    @Test
    void anEpochNoStateEverReachesIsRefusedOnceTheBoundHasPassed() {
        int[] reads = {0};
        EpochAdmission.Decision d = CommandAdmission.settled(9, () -> {
            reads[0]++;
            return OptionalLong.of(7);
        }, Duration.ofMillis(300));
        assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.FROM_NOWHERE);
        assertThat(reads[0]).as("read again before refusing").isGreaterThan(1);
    }

    @Test
    void anOlderEpochIsRefusedAtOnce() {
        int[] reads = {0};
        EpochAdmission.Decision d = CommandAdmission.settled(6, () -> {
            reads[0]++;
            return OptionalLong.of(7);
        }, Duration.ofSeconds(3));
        assertThat(d.verdict()).isEqualTo(EpochAdmission.Verdict.STALE);
        assertThat(reads[0]).isEqualTo(1);
    }
}
