package io.lifeboat.events.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How one connection to PostgreSQL is secured, checked: the one way every Lifeboat connection to a database (the
 * JDBC connections of a replication link, Debezium's replication connection, heartbeat's probe) takes its TLS
 * settings. {@link #toString()} never shows the key password.
 *
 * <p>With {@code verify-ca} or {@code verify-full} and no CA file, the server is checked against the JVM's trust store
 * (a public CA), not against libpq's {@code ~/.postgresql/root.crt}, which no container has.
 *
 * @param mode the {@code sslmode}, or empty for the driver's default ({@code prefer}: TLS when the server offers it,
 *             unverified)
 */
public record PostgresTls(Optional<String> mode, Optional<Path> caFile, Optional<Path> certFile,
        Optional<Path> keyFile, Optional<String> keyPassword) {

    public static final List<String> MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    /** No setting: the driver's default. */
    public static final PostgresTls NONE = new PostgresTls(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    /**
     * Checks the settings; the message of a refusal names the key ({@code keyPrefix} + {@code mode}, ...).
     *
     * @param keyPrefix e.g. {@code lifeboat.replication.links.main.source.tls.}
     */
    public static PostgresTls of(String keyPrefix, PostgresTlsConfig config) {
        Optional<String> mode = config.mode().map(String::trim).filter(m -> !m.isEmpty());
        if (mode.isPresent() && !MODES.contains(mode.get())) {
            throw new IllegalArgumentException(keyPrefix + "mode: '" + mode.get() + "' is not one of " + MODES);
        }
        readable(keyPrefix + "ca-file", config.caFile());
        readable(keyPrefix + "cert-file", config.certFile());
        readable(keyPrefix + "key-file", config.keyFile());
        if (config.certFile().isPresent() != config.keyFile().isPresent()) {
            throw new IllegalArgumentException(keyPrefix + "cert-file and " + keyPrefix
                    + "key-file: a client certificate needs both");
        }
        boolean configured = config.caFile().isPresent() || config.certFile().isPresent();
        if (configured && mode.isPresent() && List.of("disable", "allow", "prefer").contains(mode.get())) {
            throw new IllegalArgumentException(keyPrefix + "mode: '" + mode.get()
                    + "' would not verify the server although a CA or client certificate is set; use verify-full");
        }
        return new PostgresTls(configured && mode.isEmpty() ? Optional.of("verify-full") : mode, config.caFile(),
                config.certFile(), config.keyFile(), config.keyPassword());
    }

    /** Whether the server's certificate is checked. */
    public boolean verifies() {
        return mode.filter(m -> m.startsWith("verify-")).isPresent();
    }

    /** The PostgreSQL JDBC driver's settings (pgjdbc names them as libpq does); empty for {@link #NONE}. */
    public Map<String, String> driverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        mode.ifPresent(m -> p.put("sslmode", m));
        caFile.ifPresent(f -> p.put("sslrootcert", f.toString()));
        if (verifies() && caFile.isEmpty()) {
            p.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        certFile.ifPresent(f -> p.put("sslcert", f.toString()));
        keyFile.ifPresent(f -> p.put("sslkey", f.toString()));
        keyPassword.ifPresent(pw -> p.put("sslpassword", pw));
        return p;
    }

    /** Adds {@link #driverProperties()} to JDBC connection properties. */
    public Properties addTo(Properties jdbc) {
        driverProperties().forEach(jdbc::setProperty);
        return jdbc;
    }

    /** The same settings as Debezium's PostgreSQL connector takes them ({@code database.sslmode}, ...). */
    public Map<String, String> debeziumProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        driverProperties().forEach((k, v) -> p.put("database." + k, v));
        return p;
    }

    /**
     * A sentence for a connection refused because the server's certificate was not trusted or does not name the host,
     * or null when the failure is not about TLS verification: the driver's own words ("PKIX path building failed")
     * do not say which setting to look at.
     */
    public String explain(Throwable failure) {
        String trust = caFile.map(f -> "the CA in " + f).orElse("the JVM's trust store");
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("could not be verified by hostnameverifier")) {
                return "TLS: the server's certificate does not name the host connected to (sslmode "
                        + mode.orElse("?") + "): " + message;
            }
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return "TLS: the server's certificate is not signed by " + trust + " (sslmode " + mode.orElse("?")
                        + "): " + message;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PostgresTls[mode=" + mode.orElse("(driver default)") + ", ca=" + caFile.map(Path::toString).orElse("-")
                + ", cert=" + certFile.map(Path::toString).orElse("-") + (keyPassword.isPresent() ? ", key password set"
                : "") + "]";
    }

    private static void readable(String key, Optional<Path> file) {
        if (file.isPresent() && !Files.isReadable(file.get())) {
            throw new IllegalArgumentException(key + ": " + file.get() + " is not a readable file");
        }
    }
}
