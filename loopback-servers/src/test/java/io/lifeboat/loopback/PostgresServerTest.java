package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @TempDir
    static Path workDir;
    static PostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = new PostgresServer("home", workDir).start();
        postgres.createDatabase("app");
    }

    @AfterAll
    static void stop() {
        postgres.close();
        assertThat(postgres.isRunning()).isFalse();
        assertThat(KafkaBrokerTest.accepts(postgres.port())).isFalse();
    }

    @Test
    void isReadyForLogicalDecoding() throws SQLException {
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            assertThat(single(s, "SHOW wal_level")).isEqualTo("logical");
            assertThat(Integer.parseInt(single(s, "SHOW max_replication_slots"))).isGreaterThanOrEqualTo(10);
            assertThat(Integer.parseInt(single(s, "SHOW max_wal_senders"))).isGreaterThanOrEqualTo(10);
            assertThat(single(s, "SHOW server_version")).startsWith("17.");

            s.execute("SELECT pg_create_logical_replication_slot('decoding_slot', 'pgoutput')");

            assertThat(single(s, "SELECT plugin FROM pg_replication_slots WHERE slot_name = 'decoding_slot'"))
                    .isEqualTo("pgoutput");
        }
    }

    @Test
    void keepsDataAndSlotsAcrossStopAndStartOnTheSamePort() throws SQLException {
        String url = postgres.jdbcUrl("app");
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE restart_check (id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO restart_check VALUES (1, 'before stop')");
            s.execute("SELECT pg_create_logical_replication_slot('restart_slot', 'pgoutput')");
        }

        postgres.stop();
        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(() -> postgres.connect("app")).isInstanceOf(SQLException.class);
        postgres.start();

        assertThat(postgres.jdbcUrl("app")).isEqualTo(url);
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT note FROM restart_check WHERE id = 1")).isEqualTo("before stop");
            assertThat(single(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'restart_slot'"))
                    .isEqualTo("1");
        }
    }

    @Test
    void keepsCommittedDataAcrossAKill() throws SQLException {
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kill_check (id int PRIMARY KEY)");
            s.execute("INSERT INTO kill_check SELECT generate_series(1, 100)");
        }

        postgres.kill();
        assertThat(postgres.isRunning()).isFalse();
        postgres.start();

        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM kill_check")).isEqualTo("100");
        }
    }

    /** A power cut: every process of the server dies at once, and the next start replays the WAL. */
    @Test
    void aKillEndsEveryProcessOfTheServerAndTheNextStartRecoversFromTheCrash() throws Exception {
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS crash_check (id int PRIMARY KEY)");
            s.execute("INSERT INTO crash_check VALUES (1) ON CONFLICT DO NOTHING");
        }
        long postmaster = Long.parseLong(java.nio.file.Files.readAllLines(
                postgres.workDir().resolve("data/postmaster.pid")).get(0).trim());
        List<ProcessHandle> server = new ArrayList<>(ProcessHandle.of(postmaster).orElseThrow().descendants().toList());
        server.add(ProcessHandle.of(postmaster).orElseThrow());
        assertThat(server).hasSizeGreaterThan(3); // checkpointer, WAL writer, ... besides the postmaster
        long logBefore = java.nio.file.Files.size(postgres.logFile());

        postgres.kill();
        assertThat(server).noneMatch(ProcessHandle::isAlive);
        postgres.start();

        String log = java.nio.file.Files.readString(postgres.logFile()).substring((int) logBefore);
        assertThat(log).contains("was not properly shut down; automatic recovery in progress");
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM crash_check")).isEqualTo("1");
        }
    }

    @Test
    void requiresThePassword() throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("app"), postgres.user(),
                postgres.password())) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("app"), postgres.user(), "wrong"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void createDatabaseIsIdempotent() throws SQLException {
        postgres.createDatabase("twice");
        postgres.createDatabase("twice");
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT count(*) FROM pg_database WHERE datname = 'twice'")).isEqualTo("1");
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            assertThat(values).hasSize(1);
            return values.get(0);
        }
    }
}
