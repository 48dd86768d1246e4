package io.lifeboat.failover.dns;

import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against the real BIND 9 of loopback-servers: signed updates, verification by asking the server, a wrong key. */
class Rfc2136DnsSwitcherTest {

    private final DnsServer dns = SharedServers.dns();
    private final String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    private final DnsTarget home = new DnsTarget("home", List.of("127.0.0.11"), List.of());
    private final DnsTarget offsite = new DnsTarget("offsite", List.of("127.0.0.12", "fd00::12"), List.of());

    private DnsSettings settings(DnsMode mode, String secret) {
        DnsSettings.HostPort server = new DnsSettings.HostPort(dns.host(), dns.port());
        // An epoch record per test: the zone is shared, and each test starts its own epochs at 1.
        return new DnsSettings(mode, server, List.of(server), dns.zone(), List.of(name), "_lifeboat-epoch-" + name, 5,
                dns.tsigKeyName(),
                dns.tsigAlgorithm(), secret, Map.of("home", home, "offsite", offsite));
    }

    @Test
    void switchesTheRecordsAndVerifiesByAskingTheServer() throws Exception {
        Rfc2136DnsSwitcher switcher = new Rfc2136DnsSwitcher(settings(DnsMode.RECORDS, dns.tsigSecret()));

        switcher.switchTo(home, 1);
        assertThat(dns.addresses(name)).containsExactly("127.0.0.11");
        assertThat(switcher.verify(home, Duration.ofSeconds(5)).verified()).isTrue();

        String written = switcher.switchTo(offsite, 2);
        assertThat(written).contains("127.0.0.12");
        assertThat(dns.addresses(name)).containsExactly("127.0.0.12");
        assertThat(dns.records(name, org.xbill.DNS.Type.AAAA)).hasSize(1);
        DnsSwitcher.Verification verified = switcher.verify(offsite, Duration.ofSeconds(5));
        assertThat(verified.verified()).isTrue();
        assertThat(verified.summary()).contains("1/1 authoritative servers answer");
        assertThat(verified.answers().values()).containsExactly("127.0.0.12,fd00:0:0:0:0:0:0:12");

        // Switching back removes the family the target has no address of.
        switcher.switchTo(home, 3);
        assertThat(dns.records(name, org.xbill.DNS.Type.AAAA)).isEmpty();
        assertThat(dns.records(name, org.xbill.DNS.Type.A)).singleElement()
                .satisfies(r -> assertThat(r.getTTL()).isEqualTo(5));
    }

    @Test
    void verificationFailsWhenTheServerStillAnswersTheOldAddress() throws Exception {
        Rfc2136DnsSwitcher switcher = new Rfc2136DnsSwitcher(settings(DnsMode.RECORDS, dns.tsigSecret()));
        switcher.switchTo(home, 1);
        DnsSwitcher.Verification v = switcher.verify(offsite, Duration.ofMillis(500));
        assertThat(v.verified()).isFalse();
        assertThat(v.summary()).contains("answers 127.0.0.11");
    }

    @Test
    void aWrongKeyIsRefusedAndChangesNothing() throws Exception {
        new Rfc2136DnsSwitcher(settings(DnsMode.RECORDS, dns.tsigSecret())).switchTo(home, 1);
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        Rfc2136DnsSwitcher impostor = new Rfc2136DnsSwitcher(settings(DnsMode.RECORDS, wrong));
        // Even knowing the epoch record's value, the update itself is refused for its signature.
        assertThatThrownBy(() -> impostor.switchTo(offsite, 2, ZoneEpoch.of(1, "home")))
                .isInstanceOf(DnsSwitcher.DnsException.class).isNotInstanceOf(DnsSwitcher.EpochRefusedException.class)
                .hasMessageContaining("refused the update").hasMessageContaining("NOTAUTH")
                .hasMessageNotContaining(wrong).hasMessageNotContaining(dns.tsigSecret());
        // And it cannot even read the epoch record: the query is signed, with the wrong key.
        assertThatThrownBy(() -> impostor.switchTo(offsite, 2)).isInstanceOf(DnsSwitcher.DnsException.class)
                .hasMessageContaining("NOTAUTH").hasMessageNotContaining(wrong);
        assertThat(dns.addresses(name)).containsExactly("127.0.0.11");
    }

    @Test
    void delegationModeRepointsTheNameServers() throws Exception {
        DnsTarget homeNs = new DnsTarget("home", List.of(), List.of("ns1.home.example"));
        DnsTarget offsiteNs = new DnsTarget("offsite", List.of(), List.of("ns1.offsite.example.", "ns2.offsite.example."));
        Rfc2136DnsSwitcher switcher = new Rfc2136DnsSwitcher(settings(DnsMode.DELEGATION, dns.tsigSecret()));
        switcher.switchTo(homeNs, 1);
        switcher.switchTo(offsiteNs, 2);
        DnsSwitcher.Verification v = switcher.verify(offsiteNs, Duration.ofSeconds(5));
        assertThat(v.verified()).as(v.summary()).isTrue();
        assertThat(v.answers().values()).containsExactly("ns1.offsite.example.,ns2.offsite.example.");
        assertThat(switcher.verify(homeNs, Duration.ofMillis(300)).verified()).isFalse();
    }
}
