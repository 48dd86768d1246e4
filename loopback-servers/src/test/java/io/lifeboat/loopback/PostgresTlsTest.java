package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PostgreSQL server with TLS only, its certificate signed by a CA made at start, as a managed database runs. */
class PostgresTlsTest {

    @TempDir
    static Path workDir;
    static LoopbackCa ca;
    static PostgresServer postgres;

    @BeforeAll
    static void start() {
        ca = LoopbackCa.in(workDir.resolve("ca"));
        postgres = new PostgresServer("home", workDir.resolve("pg")).withTls(ca).start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private static Connection connect(String sslmode, Path rootCert) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", postgres.user());
        p.setProperty("password", postgres.password());
        p.setProperty("sslmode", sslmode);
        if (rootCert != null) {
            p.setProperty("sslrootcert", rootCert.toString());
        }
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), p);
    }

    @Test
    void aClientVerifyingTheServerAgainstItsCaConnectsOverTls() throws SQLException {
        for (String url : new String[] {postgres.jdbcUrl("postgres"),
                postgres.jdbcUrl("postgres").replace(postgres.host(), "localhost")}) {
            Properties p = new Properties();
            p.setProperty("user", postgres.user());
            p.setProperty("password", postgres.password());
            postgres.tlsProperties().forEach(p::setProperty);
            try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("the session is encrypted, via " + url).isTrue();
            }
        }
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next() && rs.getBoolean(1)).as("the server's own helper connects over TLS").isTrue();
        }
    }

    @Test
    void aClientWithoutTlsIsRefused() {
        assertThatThrownBy(() -> connect("disable", null).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
    }

    @Test
    void aServerSignedByAnotherCaIsRefusedByAVerifyingClient() {
        LoopbackCa other = LoopbackCa.in(workDir.resolve("other-ca"));
        assertThatThrownBy(() -> connect("verify-full", other.certificate()).close())
                .isInstanceOf(SQLException.class).hasStackTraceContaining("PKIX path");
    }

    @Test
    void keepsItsCaAndCertificateAcrossARestart() throws SQLException {
        postgres.stop();
        postgres.start();
        try (Connection c = connect("verify-full", ca.certificate())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
