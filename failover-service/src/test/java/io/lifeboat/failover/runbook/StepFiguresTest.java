package io.lifeboat.failover.runbook;

import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.StepStatus;
import io.lifeboat.events.WorkProgress;
import io.lifeboat.failover.decision.FailoverRules;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.StepState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The figures a running step shows: from the links' own reports, only while a step runs. */
class StepFiguresTest {

    private static final Instant NOW = T0.plusSeconds(600);

    private static ReplicationLag lag(String link, WorkProgress progress) {
        return new ReplicationLag(link, LinkKind.DATABASE, "offsite", "home", 0, 0, null, null, null, null,
                LinkState.SNAPSHOTTING, NOW, null, null, progress);
    }

    private static DrState waitingForAReply() {
        Driver driver = new Driver();
        driver.answer = c -> null; // no reply yet: the first command step keeps running
        DrState failingOver = FailoverRules.onVerdict(initial(), healthy(NOW).with(down("home", NOW.minusSeconds(6))),
                down("home", NOW.minusSeconds(6)), at(NOW)).next();
        return driver.run(failingOver, healthy(NOW), at(NOW.plusSeconds(1)));
    }

    @Test
    void aRunningStepCarriesTheFiguresOfTheLinkFurthestFromDone() {
        DrState s = waitingForAReply();
        assertThat(s.run().current().status()).isEqualTo(StepState.RUNNING);
        WorkProgress nearlyDone = WorkProgress.of("rows", 900, 1000L, "tables 6/7, 1 MB", NOW.minusSeconds(9), NOW);
        WorkProgress farFromDone = WorkProgress.of("rows", 1_200_000, 5_000_000L, "tables 3/7, 412 MB",
                NOW.minusSeconds(5), NOW);

        Optional<FailoverStep> figures = StepFigures.of(s, List.of(lag("a", nearlyDone), lag("b", farFromDone),
                lag("c", null)), NOW);

        assertThat(figures).hasValueSatisfying(step -> {
            assertThat(step.status()).isEqualTo(StepStatus.PROGRESS);
            assertThat(step.step()).isEqualTo(s.run().currentStep());
            assertThat(step.name()).isEqualTo(s.run().current().name());
            assertThat(step.runId()).isEqualTo(s.run().runId());
            assertThat(step.progress()).isEqualTo(farFromDone);
            assertThat(step.reason()).isEqualTo("link b: 1200000 of 5000000 rows (24 %), 240000/s, 15 s left; "
                    + "tables 3/7, 412 MB");
        });
    }

    @Test
    void nothingWithoutWorkUnderWayOrWithoutARunningStep() {
        WorkProgress copying = WorkProgress.of("rows", 10, 100L, null, NOW.minusSeconds(1), NOW);
        assertThat(StepFigures.of(waitingForAReply(), List.of(lag("a", null)), NOW)).isEmpty();
        assertThat(StepFigures.of(initial(), List.of(lag("a", copying)), NOW)).as("no run").isEmpty();
    }

    @Test
    void anUnknownTotalHasNoEstimateAndNoPercentage() {
        WorkProgress listing = WorkProgress.of("objects", 400, null, "copied 2, conflicts 0, failures 0, listed 400",
                NOW.minusSeconds(4), NOW);
        assertThat(listing.secondsLeft()).isNull();
        assertThat(listing.percent()).isNull();
        assertThat(listing.perSecond()).isEqualTo(100.0);
        assertThat(StepFigures.words("files", listing))
                .isEqualTo("link files: 400 objects, 100/s; copied 2, conflicts 0, failures 0, listed 400");
    }
}
