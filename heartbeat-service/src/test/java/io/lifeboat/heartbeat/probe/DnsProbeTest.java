package io.lifeboat.heartbeat.probe;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.heartbeat.testing.Targets;
import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The DNS probe against the real BIND server of loopback-servers ({@code portal.app.lifeboat.test} → 127.0.0.1). */
class DnsProbeTest {

    private final DnsServer dns = SharedServers.dns();

    private HeartbeatObserved probe(String name, List<String> expect) {
        List<HeartbeatObserved> out = new CopyOnWriteArrayList<>();
        Probe probe = Probes.of(List.of(Targets.dns("home", dns.host(), dns.port(), name, expect))).get(0);
        try (ProbeRunner runner = new ProbeRunner(List.of(probe), new ObserverIdentity("obs-a", "eu-west"), out::add,
                Clock.systemUTC())) {
            runner.runRound().join();
        }
        return out.get(0);
    }

    @Test
    void theExpectedAddressIsOk() {
        HeartbeatObserved h = probe("portal." + dns.zone(), List.of("127.0.0.1"));
        assertThat(h.ok()).as(h.errorMessage()).isTrue();
        assertThat(h.targetKind()).isEqualTo("DNS");
    }

    @Test
    void aWrongAddressIsADnsFailureSayingWhatItGot() {
        HeartbeatObserved h = probe("portal." + dns.zone(), List.of("127.0.0.12"));
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("DNS");
        assertThat(h.errorMessage()).contains("answered 127.0.0.1").contains("expected 127.0.0.12");
    }

    @Test
    void anUnknownNameIsADnsFailure() {
        HeartbeatObserved h = probe("nowhere." + dns.zone(), List.of());
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("DNS");
        assertThat(h.errorMessage()).contains("NXDOMAIN");
    }
}
