package io.lifeboat.heartbeat.probe;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.heartbeat.testing.Targets;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL probe against a real server of its own, which the test stops and starts. */
class PostgresProbeTest {

    private static PostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = new PostgresServer("hb-probe", SharedServers.workDir().resolve("hb-probe-pg")).start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private HeartbeatObserved probe(String password) {
        List<HeartbeatObserved> out = new CopyOnWriteArrayList<>();
        Probe probe = Probes.of(List.of(Targets.postgres("home", postgres.jdbcUrl("postgres"), postgres.user(),
                password, Duration.ofMillis(1500)))).get(0);
        try (ProbeRunner runner = new ProbeRunner(List.of(probe), new ObserverIdentity("obs-a", "eu-west"), out::add,
                Clock.systemUTC())) {
            runner.runRound().join();
        }
        return out.get(0);
    }

    @Test
    void aRunningServerAnswersAndSaysWhetherItTakesWrites() throws Exception {
        HeartbeatObserved writable = probe(postgres.password());
        assertThat(writable.ok()).as(writable.errorMessage()).isTrue();
        assertThat(writable.readOnly()).isFalse();
        assertThat(writable.targetKind()).isEqualTo("POSTGRES");

        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            s.execute("SELECT pg_reload_conf()");
        }
        try {
            HeartbeatObserved fenced = probe(postgres.password());
            assertThat(fenced.ok()).isTrue();
            assertThat(fenced.readOnly()).as("a fenced (read-only) server").isTrue();
        } finally {
            try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SET default_transaction_read_only = off");
                s.execute("ALTER SYSTEM RESET default_transaction_read_only");
                s.execute("SELECT pg_reload_conf()");
            }
        }
    }

    @Test
    void aStoppedServerFailsAndAStartedOneAnswersAgain() {
        postgres.stop();
        try {
            HeartbeatObserved down = probe(postgres.password());
            assertThat(down.ok()).isFalse();
            assertThat(down.errorClass()).isIn("REFUSED", "TIMEOUT");
        } finally {
            postgres.start();
        }
        assertThat(probe(postgres.password()).ok()).isTrue();
    }

    @Test
    void aWrongPasswordFailsWithoutShowingThePassword() {
        HeartbeatObserved refused = probe("not-the-password-s3cr3t");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.errorClass()).isEqualTo("SQL");
        assertThat(refused.errorMessage()).contains("password authentication failed").doesNotContain("s3cr3t");
        assertThat(refused.toString()).doesNotContain("s3cr3t");
    }
}
