package io.lifeboat.heartbeat.probe;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.db.PostgresTls;
import io.lifeboat.events.db.PostgresTlsConfig;
import io.lifeboat.heartbeat.testing.Targets;
import io.lifeboat.loopback.LoopbackCa;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL probe against a server that takes TLS connections only, verifying it against a CA file. */
class PostgresProbeTlsTest {

    private static LoopbackCa ca;
    private static LoopbackCa otherCa;
    private static PostgresServer postgres;

    @BeforeAll
    static void start() {
        Path dir = SharedServers.workDir().resolve("hb-probe-tls");
        ca = LoopbackCa.in(dir.resolve("ca"));
        otherCa = LoopbackCa.in(dir.resolve("other-ca"));
        postgres = new PostgresServer("hb-tls", dir.resolve("pg")).withTls(ca).start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private static PostgresTls trusting(Path caFile) {
        return PostgresTls.of("test.tls.", new PostgresTlsConfig() {
            public Optional<String> mode() {
                return Optional.empty();
            }

            public Optional<Path> caFile() {
                return Optional.of(caFile);
            }

            public Optional<Path> certFile() {
                return Optional.empty();
            }

            public Optional<Path> keyFile() {
                return Optional.empty();
            }

            public Optional<String> keyPassword() {
                return Optional.empty();
            }
        });
    }

    private HeartbeatObserved probe(PostgresTls tls) {
        List<HeartbeatObserved> out = new CopyOnWriteArrayList<>();
        Probe probe = Probes.of(List.of(Targets.postgres("home", postgres.jdbcUrl("postgres"), postgres.user(),
                postgres.password(), Duration.ofSeconds(5), tls))).get(0);
        try (ProbeRunner runner = new ProbeRunner(List.of(probe), new ObserverIdentity("obs-a", "eu-west"), out::add,
                Clock.systemUTC())) {
            runner.runRound().join();
        }
        return out.get(0);
    }

    @Test
    void verifiesTheServerAgainstTheConfiguredCa() {
        HeartbeatObserved ok = probe(trusting(ca.certificate()));
        assertThat(ok.ok()).as(ok.errorMessage()).isTrue();
        assertThat(trusting(ca.certificate()).mode()).contains("verify-full");
    }

    @Test
    void aServerSignedByAnotherCaFailsAsTls() {
        HeartbeatObserved refused = probe(trusting(otherCa.certificate()));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.errorClass()).isEqualTo("TLS");
        assertThat(refused.errorMessage()).contains("not signed by the CA in " + otherCa.certificate());
    }

    @Test
    void withoutTlsTheServerRefusesTheProbe() {
        HeartbeatObserved refused = probe(new PostgresTls(Optional.of("disable"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.errorMessage()).contains("no encryption");
    }
}
