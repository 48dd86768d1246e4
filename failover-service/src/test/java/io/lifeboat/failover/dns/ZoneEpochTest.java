package io.lifeboat.failover.dns;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pure: which switch the zone's epoch record admits. BIND enforces it; {@link DnsEpochTest} shows that. */
class ZoneEpochTest {

    @Test
    void theFirstSwitchAndANewerEpochAreAdmitted() {
        assertThat(ZoneEpoch.ABSENT.admit(1, "home").allowed()).isTrue();
        ZoneEpoch.Admission newer = ZoneEpoch.of(1, "home").admit(3, "offsite");
        assertThat(newer.allowed()).isTrue();
        // A gap (epoch 2's run was aborted before its DNS step) is no reason to refuse.
        assertThat(newer.reason()).isEqualTo("epoch 1 (active home) → 3");
    }

    @Test
    void theSameSwitchAgainIsAdmittedAsARetry() {
        ZoneEpoch.Admission retry = ZoneEpoch.of(4, "offsite").admit(4, "offsite");
        assertThat(retry.allowed()).isTrue();
        assertThat(retry.reason()).contains("already switched");
    }

    @Test
    void anOlderEpochOrAnotherSiteAtTheSameEpochIsRefused() {
        ZoneEpoch.Admission stale = ZoneEpoch.of(3, "offsite").admit(2, "home");
        assertThat(stale.allowed()).isFalse();
        assertThat(stale.reason()).isEqualTo("DNS holds epoch 3 (active offsite), newer than this switch's epoch 2: "
                + "a newer leader has switched DNS");
        assertThat(ZoneEpoch.of(3, "offsite").admit(3, "home").allowed()).isFalse();
    }

    @Test
    void aValueLifeboatDidNotWriteIsRefusedAndShown() {
        ZoneEpoch odd = new ZoneEpoch(List.of("hello"));
        assertThat(odd.mark()).isEmpty();
        assertThat(odd.admit(9, "home").reason()).contains("\"hello\"").contains("correct or delete it by hand");
        ZoneEpoch two = new ZoneEpoch(List.of(ZoneEpoch.value(1, "home"), ZoneEpoch.value(2, "offsite")));
        assertThat(two.mark()).isEmpty();
        assertThat(two.admit(9, "home").allowed()).isFalse();
    }

    @Test
    void theValueReadsBackAsItsMark() {
        assertThat(ZoneEpoch.value(7, "offsite")).isEqualTo("epoch=7 active=offsite");
        assertThat(ZoneEpoch.of(7, "offsite").mark()).contains(new ZoneEpoch.Mark(7, "offsite"));
        assertThat(ZoneEpoch.ABSENT.describe()).isEqualTo("(no epoch record)");
    }
}
