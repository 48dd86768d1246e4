package io.lifeboat.filesync.reconcile;

import io.lifeboat.events.WorkProgress;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A reconcile's figures as the lag feed and a progress bar carry them. */
class ReconcileProgressTest {

    private static final Instant STARTED = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void whileListingTheTotalIsUnknownThenObjectsComparedOfAllListed() {
        ReconcileProgress listing = new ReconcileProgress("home-to-offsite-files", "request", true, STARTED, 400, null,
                300, 12, 1, 0);
        WorkProgress early = listing.asWork(STARTED.plusSeconds(3));
        assertThat(early.unit()).isEqualTo("objects");
        assertThat(early.done()).isEqualTo(300);
        assertThat(early.total()).isNull();
        assertThat(early.secondsLeft()).isNull();
        assertThat(early.perSecond()).isEqualTo(100.0);
        assertThat(early.detail()).isEqualTo("copied 12, conflicts 1, failures 0, listed 400");

        ReconcileProgress listed = new ReconcileProgress("home-to-offsite-files", "request", true, STARTED, 1000, 1000L,
                500, 20, 1, 0);
        WorkProgress later = listed.asWork(STARTED.plusSeconds(5));
        assertThat(later.total()).isEqualTo(1000L);
        assertThat(later.percent()).isEqualTo(50.0);
        assertThat(later.secondsLeft()).isEqualTo(5L);
    }
}
