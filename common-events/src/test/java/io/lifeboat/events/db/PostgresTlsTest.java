package io.lifeboat.events.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresTlsTest {

    @TempDir
    Path dir;

    record Config(Optional<String> mode, Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
            Optional<String> keyPassword) implements PostgresTlsConfig {
    }

    private static final String KEY = "lifeboat.replication.links.main.source.tls.";

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void nothingSetLeavesTheDriversDefault() {
        PostgresTls tls = PostgresTls.of(KEY, new Config(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(tls.driverProperties()).isEmpty();
        assertThat(tls.verifies()).isFalse();
    }

    @Test
    void aCaFileMeansVerifyFullAgainstIt() throws IOException {
        Path ca = file("ca.crt");
        PostgresTls tls = PostgresTls.of(KEY, new Config(Optional.empty(), Optional.of(ca), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(tls.driverProperties()).containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ca.toString()).doesNotContainKey("sslfactory");
        assertThat(tls.debeziumProperties()).containsEntry("database.sslmode", "verify-full")
                .containsEntry("database.sslrootcert", ca.toString());
    }

    @Test
    void verifyingWithoutACaFileUsesTheJvmTrustStore() {
        PostgresTls tls = PostgresTls.of(KEY, new Config(Optional.of("verify-full"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(tls.driverProperties()).containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
    }

    @Test
    void aClientCertificateNeedsItsKeyAndTheKeyPasswordIsNeverShown() throws IOException {
        Path cert = file("client.crt");
        Path key = file("client.pem");
        assertThatThrownBy(() -> PostgresTls.of(KEY, new Config(Optional.empty(), Optional.empty(), Optional.of(cert),
                Optional.empty(), Optional.empty()))).hasMessageStartingWith(KEY + "cert-file and " + KEY + "key-file");
        PostgresTls tls = PostgresTls.of(KEY, new Config(Optional.empty(), Optional.empty(), Optional.of(cert),
                Optional.of(key), Optional.of("s3cr3t-key-pass")));
        assertThat(tls.driverProperties()).containsEntry("sslcert", cert.toString()).containsEntry("sslkey",
                key.toString()).containsEntry("sslmode", "verify-full");
        assertThat(tls.toString()).doesNotContain("s3cr3t-key-pass");
    }

    @Test
    void badSettingsNameTheirKey() throws IOException {
        assertThatThrownBy(() -> PostgresTls.of(KEY, new Config(Optional.of("verify_full"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()))).hasMessageStartingWith(KEY + "mode: ");
        assertThatThrownBy(() -> PostgresTls.of(KEY, new Config(Optional.empty(), Optional.of(dir.resolve("none.crt")),
                Optional.empty(), Optional.empty(), Optional.empty()))).hasMessageStartingWith(KEY + "ca-file: ");
        Path ca = file("ca.crt");
        assertThatThrownBy(() -> PostgresTls.of(KEY, new Config(Optional.of("prefer"), Optional.of(ca),
                Optional.empty(), Optional.empty(), Optional.empty()))).hasMessageStartingWith(KEY + "mode: 'prefer'");
    }
}
