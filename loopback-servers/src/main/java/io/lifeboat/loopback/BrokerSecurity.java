package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What makes a {@link KafkaBroker} a secured one, as a platform team runs Kafka (Strimzi's defaults): clients reach it
 * on a SASL_SSL listener only, with a SCRAM-SHA-512 user each, over TLS with a server certificate signed by a CA the
 * broker's work directory holds ({@link LoopbackCa}); the authorizer is on and
 * nothing is allowed without an ACL, but for the two super users: {@code admin} (tests' own client) and
 * {@code broker} (the node talking to itself).
 *
 * <p>The inter-broker and controller listeners stay on loopback without TLS (nothing crosses a network), but with
 * SASL/PLAIN so that they too have a named principal: a listener without authentication would make anyone who finds
 * it a super user.
 */
final class BrokerSecurity {

    static final String ADMIN = "admin";
    static final String MECHANISM = "SCRAM-SHA-512";
    private static final String BROKER = "broker";
    private static final String STORE_TYPE = "PKCS12";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final Path dir;
    private final Properties secrets;

    /** Loads the material in {@code dir}, making it the first time: a restarted broker keeps its CA and users. */
    BrokerSecurity(Path dir) {
        this.dir = dir;
        this.secrets = loadOrCreateSecrets();
        if (!Files.exists(truststore())) {
            makeCertificates();
        }
    }

    Path truststore() {
        return dir.resolve("truststore.p12");
    }

    String truststorePassword() {
        return secrets.getProperty("truststore");
    }

    /** For {@code kafka-storage format --add-scram}: the admin user exists before the broker first starts. */
    String adminScramArgument() {
        return MECHANISM + "=[name=" + ADMIN + ",password=" + password(ADMIN) + "]";
    }

    /** The user's password, made (and kept in the work directory) the first time it is asked for. */
    synchronized String password(String user) {
        String key = "user." + user;
        String known = secrets.getProperty(key);
        if (known == null) {
            known = Secrets.alphanumeric(24);
            secrets.setProperty(key, known);
            saveSecrets();
        }
        return known;
    }

    /** The broker's settings for listeners {@code CLIENT} (SASL_SSL), {@code INTERNAL} and {@code CONTROLLER}. */
    Map<String, String> brokerConfig() {
        String plain = PLAIN_MODULE + " required username=\"" + BROKER + "\" password=\"" + password(BROKER)
                + "\" user_" + BROKER + "=\"" + password(BROKER) + "\";";
        Map<String, String> config = new LinkedHashMap<>();
        config.put("listener.security.protocol.map", "CLIENT:SASL_SSL,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        config.put("inter.broker.listener.name", "INTERNAL");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        config.put("listener.name.client.sasl.enabled.mechanisms", MECHANISM);
        config.put("listener.name.client.scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
        config.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name.internal.plain.sasl.jaas.config", plain);
        config.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name.controller.plain.sasl.jaas.config", plain);
        config.put("listener.name.client.ssl.keystore.location", dir.resolve("broker.p12").toString());
        config.put("listener.name.client.ssl.keystore.password", secrets.getProperty("keystore"));
        config.put("listener.name.client.ssl.keystore.type", STORE_TYPE);
        config.put("listener.name.client.ssl.key.password", secrets.getProperty("keystore"));
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", "false");
        config.put("super.users", "User:" + ADMIN + ";User:" + BROKER);
        return config;
    }

    /** What a client needs to be {@code user} on the CLIENT listener, as Kafka clients name the settings. */
    Map<String, String> clientSettings(String bootstrapServers, String user) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", SCRAM_MODULE + " required username=\"" + user + "\" password=\""
                + password(user) + "\";");
        settings.put("ssl.truststore.location", truststore().toString());
        settings.put("ssl.truststore.password", truststorePassword());
        settings.put("ssl.truststore.type", STORE_TYPE);
        return settings;
    }

    private Properties loadOrCreateSecrets() {
        Properties loaded = new Properties();
        Path file = dir.resolve("secrets.properties");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                try (var in = Files.newInputStream(file)) {
                    loaded.load(in);
                }
                return loaded;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        loaded.setProperty("ca", Secrets.alphanumeric(24));
        loaded.setProperty("keystore", Secrets.alphanumeric(24));
        loaded.setProperty("truststore", Secrets.alphanumeric(24));
        return loaded;
    }

    private synchronized void saveSecrets() {
        Path file = dir.resolve("secrets.properties");
        try (var out = Files.newOutputStream(file)) {
            secrets.store(out, "passwords of this loopback broker's stores and users; made at random for it");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * A CA ({@link LoopbackCa}), a server certificate it signs for 127.0.0.1 (the address clients verify, hostname
     * verification on), and a truststore holding only the CA.
     */
    private void makeCertificates() {
        saveSecrets();
        LoopbackCa ca = new LoopbackCa(dir, secrets.getProperty("ca"));
        ca.serverKeystore(BROKER, secrets.getProperty("keystore"));
        ca.truststore(truststore().getFileName().toString(), truststorePassword());
    }
}
