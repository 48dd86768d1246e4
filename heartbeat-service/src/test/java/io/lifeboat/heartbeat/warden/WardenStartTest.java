package io.lifeboat.heartbeat.warden;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which first renewal a starting warden guards on. The sandbox's start of 2026-12-05 01:54: Kafka acknowledged the
 * first renewal 2.1 s after it was sent, with a lease of 2.5 s and renewals every 0.5 s; the warden started its lease
 * on it and fenced a healthy home 0.46 s later, before the next renewal was even answered.
 */
class WardenStartTest {

    private static final Duration LEASE = Duration.ofMillis(2_500);
    private static final long MS = 1_000_000L;

    @Test
    void aRenewalAcknowledgedLateIsNotOneToGuardOn() {
        assertThat(WardenRules.startsOn(0, 2_100 * MS, LEASE)).isFalse();
        assertThat(WardenRules.startsOn(0, 1_251 * MS, LEASE)).isFalse();
    }

    @Test
    void aRenewalAcknowledgedWithinHalfTheLeaseIs() {
        assertThat(WardenRules.startsOn(0, 1_250 * MS, LEASE)).isTrue();
        assertThat(WardenRules.startsOn(5 * MS, 300 * MS, LEASE)).isTrue();
    }

    @Test
    void guardingOnTheLateRenewalFencedTheHealthySiteBeforeTheNextAnswer() {
        WardenRules rules = new WardenRules("home", LEASE);
        // As the sandbox's warden did: the lease from the late renewal's sending, the next renewal sent 0.5 s after
        // the acknowledgement and answered 0.3 s after that.
        WardenState started = WardenState.start(0);
        WardenRules.Decision beforeTheNextAnswer = rules.on(started, new WardenInput.Tick(2_560 * MS));
        assertThat(beforeTheNextAnswer.effects()).as(beforeTheNextAnswer.reason()).isNotEmpty();

        // Guarding on a renewal answered within half the lease, with the next one sent at once and answered as
        // slowly, leaves time for that answer.
        long sent = 2_100 * MS;
        long answered = sent + 300 * MS;
        assertThat(WardenRules.startsOn(sent, answered, LEASE)).isTrue();
        WardenState guarding = WardenState.start(sent);
        WardenRules.Decision atTheNextAnswer = rules.on(guarding, new WardenInput.Tick(answered + 800 * MS));
        assertThat(atTheNextAnswer.effects()).as(atTheNextAnswer.reason()).isEmpty();
    }
}
