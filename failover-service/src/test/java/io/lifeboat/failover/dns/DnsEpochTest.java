package io.lifeboat.failover.dns;

import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The epoch in DNS, against the real BIND 9 of loopback-servers: the server itself refuses a superseded leader's
 * update, a lost answer's retry succeeds, and verification queries are signed.
 */
class DnsEpochTest {

    private final DnsServer dns = SharedServers.dns();
    private final String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    // A sibling of the switched name, not below it: the zone is shared and each test starts its epochs at 1.
    private final String epochName = "_lifeboat-epoch-" + name;
    private final DnsTarget home = new DnsTarget("home", List.of("127.0.0.11"), List.of());
    private final DnsTarget offsite = new DnsTarget("offsite", List.of("127.0.0.12"), List.of());

    private Rfc2136DnsSwitcher switcher(String secret) {
        DnsSettings.HostPort server = new DnsSettings.HostPort(dns.host(), dns.port());
        return new Rfc2136DnsSwitcher(new DnsSettings(DnsMode.RECORDS, server, List.of(server), dns.zone(),
                List.of(name), epochName, 5, dns.tsigKeyName(), dns.tsigAlgorithm(), secret,
                Map.of("home", home, "offsite", offsite)));
    }

    /** The epoch record's values as an unsigned resolver sees them. */
    private List<String> epochTxt() {
        return dns.records(epochName, Type.TXT).stream().map(r -> String.join("", ((TXTRecord) r).getStrings()))
                .toList();
    }

    private long serial() {
        List<Record> soa = dns.records(dns.zone(), Type.SOA);
        return ((SOARecord) soa.get(0)).getSerial();
    }

    @Test
    void aSwitchWritesTheAddressesAndTheEpochInOneUpdate() throws Exception {
        Rfc2136DnsSwitcher switcher = switcher(dns.tsigSecret());
        assertThat(switcher.readEpoch()).isEqualTo(ZoneEpoch.ABSENT);
        long before = serial();

        String written = switcher.switchTo(offsite, 7);

        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(epochTxt()).containsExactly("epoch=7 active=offsite");
        assertThat(dns.records(epochName, Type.TXT)).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(5));
        // BIND raises the serial once per update message: addresses and epoch arrived together.
        assertThat(serial()).isEqualTo(before + 1);
        assertThat(written).contains("epoch 7").contains("first switch");
        assertThat(switcher.readEpoch().mark()).contains(new ZoneEpoch.Mark(7, "offsite"));
    }

    @Test
    void aPausedFormerLeaderResumedAfterANewLeaderSwitchedDnsIsRefusedByBindAndNothingChanges() throws Exception {
        switcher(dns.tsigSecret()).switchTo(home, 1);
        Rfc2136DnsSwitcher leaderA = switcher(dns.tsigSecret());
        Rfc2136DnsSwitcher leaderB = switcher(dns.tsigSecret());

        // A, at epoch 2, reads the epoch record (epoch 1) and is paused before its update goes out.
        ZoneEpoch seenByA = leaderA.readEpoch();
        assertThat(seenByA.mark()).contains(new ZoneEpoch.Mark(1, "home"));
        // Meanwhile B leads at epoch 3 and switches DNS.
        leaderB.switchTo(offsite, 3);
        long afterB = serial();

        // A resumes: its update (epoch 2, prerequisite "epoch=1 active=home") reaches BIND, which refuses it.
        DnsSwitcher.EpochRefusedException refused = catchThrowableOfType(
                () -> leaderA.switchTo(home, 2, seenByA), DnsSwitcher.EpochRefusedException.class);
        assertThat(refused).isNotNull();
        assertThat(refused.rcode()).contains("NXRRSET");
        assertThat(refused.epoch()).isEqualTo(2);
        assertThat(refused.zoneHolds()).isEqualTo("\"epoch=3 active=offsite\"");
        assertThat(refused.getMessage()).contains("refused the switch of epoch 2 to home (NXRRSET)")
                .contains("no longer holds \"epoch=1 active=home\" but \"epoch=3 active=offsite\"")
                .contains("superseded").contains("nothing changed");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(epochTxt()).containsExactly("epoch=3 active=offsite");
        assertThat(serial()).isEqualTo(afterB);

        // A's whole switch again reads epoch 3 first and does not even send.
        DnsSwitcher.EpochRefusedException again = catchThrowableOfType(() -> leaderA.switchTo(home, 2),
                DnsSwitcher.EpochRefusedException.class);
        assertThat(again.rcode()).isEmpty();
        assertThat(again.getMessage()).contains("newer than this switch's epoch 2").contains("nothing changed");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(epochTxt()).containsExactly("epoch=3 active=offsite");
    }

    @Test
    void twoFirstSwitchesRaceAndOnlyOneWins() throws Exception {
        // Both leaders read "no epoch record yet"; the second update fails its "RRset does not exist" prerequisite.
        Rfc2136DnsSwitcher older = switcher(dns.tsigSecret());
        ZoneEpoch seen = older.readEpoch();
        switcher(dns.tsigSecret()).switchTo(offsite, 3);

        DnsSwitcher.EpochRefusedException refused = catchThrowableOfType(() -> older.switchTo(home, 2, seen),
                DnsSwitcher.EpochRefusedException.class);
        assertThat(refused.rcode()).contains("YXRRSET");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(epochTxt()).containsExactly("epoch=3 active=offsite");
    }

    @Test
    void aRetriedSwitchAtTheSameEpochSucceedsButAnotherSiteAtThatEpochIsRefused() throws Exception {
        Rfc2136DnsSwitcher switcher = switcher(dns.tsigSecret());
        switcher.switchTo(home, 1);
        switcher.switchTo(offsite, 4);
        // The answer of that update was lost: the step's next attempt switches again at the same epoch.
        String retried = switcher.switchTo(offsite, 4);
        assertThat(retried).contains("epoch 4 already switched to offsite");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(epochTxt()).containsExactly("epoch=4 active=offsite");

        DnsSwitcher.EpochRefusedException refused = catchThrowableOfType(() -> switcher.switchTo(home, 4),
                DnsSwitcher.EpochRefusedException.class);
        assertThat(refused.getMessage()).contains("two switches claim one epoch");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
    }

    @Test
    void verificationQueriesAreSignedAndAWrongKeyFails() throws Exception {
        switcher(dns.tsigSecret()).switchTo(offsite, 1);

        DnsSwitcher.Verification signed = switcher(dns.tsigSecret()).verify(offsite, Duration.ofSeconds(5));
        assertThat(signed.verified()).as(signed.summary()).isTrue();

        // The same server and records, a key BIND does not accept: it answers NOTAUTH, so nothing counts as seen.
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        DnsSwitcher.Verification impostor = switcher(wrong).verify(offsite, Duration.ofMillis(500));
        assertThat(impostor.verified()).isFalse();
        assertThat(impostor.answers().values()).allSatisfy(a -> assertThat(a).contains("no answer: NOTAUTH"));
        assertThat(impostor.summary()).doesNotContain(wrong).doesNotContain(dns.tsigSecret());
    }
}
