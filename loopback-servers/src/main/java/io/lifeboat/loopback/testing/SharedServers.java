package io.lifeboat.loopback.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.PostgresServer;

/**
 * One set of servers per test JVM, each started the first time a test asks for it and stopped when the JVM exits, so
 * that many test classes (and Quarkus restarts between them) share one broker and one pair of databases. Strictly, one
 * set per class loader: a Quarkus {@code @TestProfile} gets a set of its own (see the package notes).
 *
 * <p>Shared means shared: use unique topic, database, bucket and record names per test, and never stop these servers.
 * A test that takes a server down builds its own {@link KafkaBroker}, {@link PostgresServer}, ... instead.
 *
 * <p>Work files go under {@code target/} when the JVM runs in a Maven module, else under the temp directory, and are
 * deleted at exit unless the system property {@code lifeboat.loopback.keep} is {@code true} (to read the servers'
 * logs after a failure).
 */
public final class SharedServers {

    private static final Deque<AutoCloseable> STARTED = new ArrayDeque<>();
    private static final Map<String, PostgresServer> POSTGRES = new HashMap<>();
    private static final Map<String, ObjectStore> OBJECT_STORES = new HashMap<>();
    private static Path workDir;
    private static KafkaBroker kafka;
    private static KafkaBroker securedKafka;
    private static DnsServer dns;

    private SharedServers() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = started(new KafkaBroker(workDir().resolve("kafka")).start());
        }
        return kafka;
    }

    /**
     * A second broker, {@link KafkaBroker#secured secured}: SASL_SSL only, SCRAM users, ACLs enforced. Tests add the
     * users they act as ({@link KafkaBroker#addUser}); {@link SecuredKafkaResource} does it for a service.
     */
    public static synchronized KafkaBroker securedKafka() {
        if (securedKafka == null) {
            securedKafka = started(KafkaBroker.secured(workDir().resolve("kafka-secured")).start());
        }
        return securedKafka;
    }

    /** The PostgreSQL server standing for a site ("home", "offsite"). */
    public static synchronized PostgresServer postgres(String site) {
        return POSTGRES.computeIfAbsent(site,
                s -> started(new PostgresServer(s, workDir().resolve(s).resolve("postgres")).start()));
    }

    /** The object store standing for a site ("home", "offsite"). */
    public static synchronized ObjectStore objectStore(String site) {
        return OBJECT_STORES.computeIfAbsent(site,
                s -> started(new ObjectStore(s, workDir().resolve(s).resolve("s3")).start()));
    }

    /** BIND with the default zone ({@code app.lifeboat.test}, {@code portal} → 127.0.0.1). */
    public static synchronized DnsServer dns() {
        if (dns == null) {
            dns = started(new DnsServer(workDir().resolve("dns")).start());
        }
        return dns;
    }

    public static synchronized Path workDir() {
        if (workDir == null) {
            try {
                Path target = Path.of("target");
                Path base = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
                workDir = Files.createTempDirectory(base.toAbsolutePath(), "loopback-servers-");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a work directory for the shared servers", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::stopAll, "loopback-servers-shutdown"));
        }
        return workDir;
    }

    private static <T extends AutoCloseable> T started(T server) {
        STARTED.push(server);
        return server;
    }

    private static synchronized void stopAll() {
        while (!STARTED.isEmpty()) {
            try {
                STARTED.pop().close();
            } catch (Exception e) {
                System.err.println("loopback-servers: a shared server did not stop cleanly: " + e);
            }
        }
        WorkDir.remove(workDir);
    }
}
