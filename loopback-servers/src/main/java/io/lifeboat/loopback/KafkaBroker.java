package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one node) in a child JVM on 127.0.0.1.
 *
 * <p>A child process rather than an in-JVM broker so that tests can stop it, kill it with SIGKILL and restart it
 * exactly as an outage would, and so that the broker's Scala and log4j dependencies stay out of the services' test
 * classpaths. Ports and log directories are kept for the life of this object: {@link #stop()} then {@link #start()}
 * brings back the same broker with its data.
 *
 * <p>{@link #secured(Path)} starts one as a platform team runs Kafka (see {@link BrokerSecurity}): clients only on a
 * SASL_SSL listener, SCRAM-SHA-512 users ({@link #addUser}), the authorizer on and nothing allowed without an ACL.
 * The plaintext broker of {@code new KafkaBroker(...)} stays the default for the tests that are not about security.
 */
public final class KafkaBroker extends ChildServer {

    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true");

    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
    // By name: referring to the class would load it here, where Kafka's server classes are absent.
    private static final String BROKER_MAIN = "io.lifeboat.loopback.child.BrokerMain";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path workDir;
    private final int port = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private final int internalPort;
    private final List<String> jvmOptions;
    private final Map<String, String> overrides;
    /** Null for a plaintext broker. */
    private final BrokerSecurity security;

    /**
     * The override that makes the broker refuse to create a topic on first use, as a managed cluster does: what a
     * test passes to show its services create (or find) every topic they need themselves.
     */
    public static final Map<String, String> NO_AUTO_CREATION = Map.of("auto.create.topics.enable", "false");

    public KafkaBroker(Path workDir) {
        this(workDir, DEFAULT_JVM_OPTIONS, Map.of());
    }

    /** @param overrides broker settings that replace or add to the defaults, e.g. {@code log.cleaner.backoff.ms} */
    public KafkaBroker(Path workDir, List<String> jvmOptions, Map<String, String> overrides) {
        this(workDir, jvmOptions, overrides, false);
    }

    private KafkaBroker(Path workDir, List<String> jvmOptions, Map<String, String> overrides, boolean secured) {
        super(Duration.ofSeconds(30));
        this.workDir = workDir.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.overrides = Map.copyOf(overrides);
        this.security = secured ? new BrokerSecurity(this.workDir.resolve("security")) : null;
        this.internalPort = secured ? FreePorts.next() : port;
    }

    /**
     * A broker whose clients must authenticate (SASL_SSL, SCRAM-SHA-512, a CA made for it) and be authorized (ACLs):
     * see {@link #addUser} and {@link #clientSettings}. Not started yet.
     */
    public static KafkaBroker secured(Path workDir) {
        return secured(workDir, Map.of());
    }

    /** The same, with broker settings of the caller's (e.g. {@link #NO_AUTO_CREATION}). */
    public static KafkaBroker secured(Path workDir, Map<String, String> overrides) {
        return new KafkaBroker(workDir, DEFAULT_JVM_OPTIONS, overrides, true);
    }

    public boolean isSecured() {
        return security != null;
    }

    /**
     * Creates (or updates) a SCRAM-SHA-512 user with exactly these ACLs, e.g. {@link KafkaAcls#shipped}, through the
     * admin user, and returns once the broker accepts the user's login.
     *
     * @return what a client needs to act as that user ({@link #clientSettings})
     */
    public Map<String, String> addUser(String user, List<org.apache.kafka.common.acl.AclBinding> acls) {
        if (security == null) {
            throw new IllegalStateException("a plaintext broker has no users: start it with KafkaBroker.secured");
        }
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), security.password(user))))
                    .all().get(30, TimeUnit.SECONDS);
            if (!acls.isEmpty()) {
                admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create Kafka user " + user, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating Kafka user " + user, e);
        }
        // The credential reaches the listener through the metadata log: a client starting before it would be refused
        // for good (an authentication failure is not retried).
        try (Admin asUser = admin(clientSettings(user))) {
            awaitCluster(asUser, "user " + user + " cannot log in");
        }
        return clientSettings(user);
    }

    /**
     * What a Kafka client needs to reach this broker, as Kafka names the settings ({@code bootstrap.servers} and, on
     * a secured broker, {@code security.protocol}, SASL and the truststore holding its CA) for {@code user}.
     */
    public Map<String, String> clientSettings(String user) {
        return security == null ? Map.of("bootstrap.servers", bootstrapServers())
                : security.clientSettings(bootstrapServers(), user);
    }

    /** The super user's settings (every right): for tests' own set-up and checks. */
    public Map<String, String> adminSettings() {
        return clientSettings(BrokerSecurity.ADMIN);
    }

    /** Starts the broker (formatting its storage the first time) and returns once a client can reach it. */
    public synchronized KafkaBroker start() {
        if (isRunning()) {
            return this;
        }
        try {
            Files.createDirectories(dataDir());
            Files.writeString(configFile(), asProperties(brokerConfig()));
            Files.writeString(log4jConfig(), log4jProperties());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the broker's configuration in " + workDir, e);
        }
        List<String> args = new ArrayList<>(List.of(configFile().toString()));
        if (!Files.exists(dataDir().resolve("meta.properties"))) {
            args.add(Uuid.randomUuid().toString());
            if (security != null) {
                args.add(writeScramFile().toString());
            }
        }
        process = ChildProcess.start("kafka-broker",
                JavaCommand.of(CLASSPATH_RESOURCE, jvmOptions, log4jConfig(), BROKER_MAIN, args), Map.of(), workDir,
                logFile());
        process.readyOrKilled(started -> awaitReady()); // the readiness checks below read the field
        return this;
    }

    public String bootstrapServers() {
        return FreePorts.LOOPBACK.getHostAddress() + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path workDir() {
        return workDir;
    }

    /** Broker log (log4j output and the JVM's own stdout/stderr). */
    public Path logFile() {
        return workDir.resolve("kafka.log");
    }

    /** Creates the topic unless it exists already; one replica, as there is one broker. */
    public void createTopic(String name, int partitions, boolean compacted) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (compacted) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        }
    }

    /** A new admin client for this broker (its super user on a secured one); the caller closes it. */
    public Admin admin() {
        return admin(adminSettings());
    }

    private static Admin admin(Map<String, String> settings) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lifeboat-loopback");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        // Kafka loads its plugins (metrics reporters) through the context class loader; inside a Quarkus test that is
        // the application's, whose Kafka classes are not ours (ClassCastException on JmxReporter).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try {
            return Admin.create(props);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        // Wait for the listener before creating a client: the client would log a warning for every refused connection.
        while (!FreePorts.accepts(port)) {
            failIfGone(deadline, null);
            process.waitFor(POLL);
        }
        try (Admin admin = admin()) {
            awaitCluster(admin, "Kafka broker not ready");
        }
    }

    /** Until the client sees the broker; fails if the broker exits or after {@link #READY_TIMEOUT}. */
    private void awaitCluster(Admin admin, String failure) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception lastProblem = null;
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                lastProblem = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + failure, e);
            }
            failIfGone(deadline, lastProblem);
            process.waitFor(POLL);
        }
    }

    private void failIfGone(long deadline, Exception lastProblem) {
        if (!process.isAlive()) {
            throw new IllegalStateException("Kafka broker exited with code " + process.exitValue()
                    + " while starting" + process.tailForError(), lastProblem);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " not ready after "
                    + READY_TIMEOUT + process.tailForError(), lastProblem);
        }
    }

    private Map<String, String> brokerConfig() {
        String host = FreePorts.LOOPBACK.getHostAddress();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        config.put("controller.listener.names", "CONTROLLER");
        if (security == null) {
            config.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
            config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            config.put("listeners", "CLIENT://" + host + ":" + port + ",INTERNAL://" + host + ":" + internalPort
                    + ",CONTROLLER://" + host + ":" + controllerPort);
            config.put("advertised.listeners", "CLIENT://" + host + ":" + port + ",INTERNAL://" + host + ":"
                    + internalPort);
            config.putAll(security.brokerConfig());
        }
        config.put("log.dirs", dataDir().toString());
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        config.put("offsets.topic.replication.factor", "1");
        // One partition: the group coordinator is ready at once instead of after loading fifty.
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // After a SIGKILL the restarted broker may only register once the old incarnation's session has expired
        // (9 s by default); tests that kill the broker should not wait that long.
        config.put("broker.session.timeout.ms", "3000");
        config.put("broker.heartbeat.interval.ms", "500");
        config.putAll(overrides);
        return config;
    }

    private String log4jProperties() {
        // The broker logs to a file: a test run's console stays readable and the file survives the process.
        return JavaCommand.log4jToFile(logFile(), "INFO") + """
                logger.state.name = state.change.logger
                logger.state.level = WARN
                logger.request.name = kafka.request.logger
                logger.request.level = WARN
                """;
    }

    private static String asProperties(Map<String, String> config) {
        return config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The admin user's SCRAM credential for the storage format, in a file: never on a command line. */
    private Path writeScramFile() {
        Path file = workDir.resolve("security").resolve("format-scram");
        try {
            Files.writeString(file, security.adminScramArgument() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    private Path configFile() {
        return workDir.resolve("server.properties");
    }

    private Path log4jConfig() {
        return workDir.resolve("log4j2.properties");
    }
}
