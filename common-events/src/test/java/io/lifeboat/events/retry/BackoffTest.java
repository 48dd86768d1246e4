package io.lifeboat.events.retry;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void doublesUpToTheMaximumAndStartsAgainAfterASuccess() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pauses.add(b.next().toMillis());
        }
        assertThat(pauses).containsExactly(200L, 400L, 800L, 1000L, 1000L);
        b.reset();
        assertThat(b.current()).isEqualTo(Duration.ofMillis(200));
    }

    @Property
    void neverBelowTheFirstNorAboveTheMaximumAndNeverShorterThanTheOneBefore(@ForAll @IntRange(min = 1, max = 1000) int first,
            @ForAll @IntRange(min = 0, max = 100_000) int extra, @ForAll @IntRange(min = 1, max = 60) int attempts) {
        Backoff b = new Backoff(Duration.ofMillis(first), Duration.ofMillis(first + extra));
        Duration before = Duration.ZERO;
        for (int i = 0; i < attempts; i++) {
            Duration pause = b.next();
            assertThat(pause).isBetween(Duration.ofMillis(first), Duration.ofMillis(first + extra))
                    .isGreaterThanOrEqualTo(before);
            before = pause;
        }
    }

    @Test
    void refusesAMaximumBelowTheFirstPause() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 < first <= max");
    }
}
