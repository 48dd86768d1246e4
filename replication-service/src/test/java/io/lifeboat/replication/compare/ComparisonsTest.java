package io.lifeboat.replication.compare;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComparisonsTest {

    @Test
    void compareIntervalIsOffOrAPositiveDurationAndABadValueNamesTheKey() {
        assertThat(Comparisons.interval("off")).isEmpty();
        assertThat(Comparisons.interval("24h")).isEqualTo(Optional.of(Duration.ofHours(24)));
        assertThat(Comparisons.interval("PT30M")).isEqualTo(Optional.of(Duration.ofMinutes(30)));
        for (String bad : List.of("daily", "0s", "-1h")) {
            assertThatThrownBy(() -> Comparisons.interval(bad)).hasMessageContaining(
                    "lifeboat.replication.compare-interval: '" + bad + "'");
        }
    }

    @Test
    void onlyAStreamingOrDrainedLinkIsCompared() {
        for (io.lifeboat.events.LinkState s : io.lifeboat.events.LinkState.values()) {
            assertThat(Comparisons.comparable(s)).as(s.name()).isEqualTo(s == io.lifeboat.events.LinkState.STREAMING
                    || s == io.lifeboat.events.LinkState.DRAINED);
        }
    }

    @Test
    void theAlertNamesTablesCountsAndTheFirstKeysOnly() {
        ComparisonResult r = new ComparisonResult("main", ComparisonResult.Outcome.DIFFERENT, "", "home", "offsite",
                "0/3A1B2C8", Instant.EPOCH, Instant.EPOCH, 2, 10, 10, 8, List.of(
                        new ComparisonResult.TableDifference("shop.big", 1, List.of(Map.of("id", "123457"))),
                        new ComparisonResult.TableDifference("shop.lines", 7, List.of(Map.of("order_id", "4")))),
                List.of());
        assertThat(Comparisons.alertText(r)).isEqualTo("home and offsite differ at source position 0/3A1B2C8:"
                + " shop.big: 1 rows, keys {id=123457}; shop.lines: 7 rows, keys {order_id=4} …");
    }

    @Test
    void aComparisonIsMootOnceTheLinkIsPromotedReversingOrReadsAnotherSource() {
        for (io.lifeboat.events.LinkState s : io.lifeboat.events.LinkState.values()) {
            boolean moot = s == io.lifeboat.events.LinkState.PROMOTED || s == io.lifeboat.events.LinkState.REVERSING;
            assertThat(Comparisons.moot(s, "home", "home")).as(s.name()).isEqualTo(moot ? Optional.of("stopped: the"
                    + " link became " + s + " (source home) during the comparison, so what was read is no verdict on"
                    + " the link as it is now") : Optional.empty());
            assertThat(Comparisons.moot(s, "offsite", "home")).as(s + " from another source").isPresent();
        }
    }
}
