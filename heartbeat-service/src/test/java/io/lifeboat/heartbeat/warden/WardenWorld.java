package io.lifeboat.heartbeat.warden;

import io.lifeboat.events.json.EventJson;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.StartTogether;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import io.lifeboat.loopback.testing.WorkDir;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A home site for a warden test: its own broker (plain or secured), home's PostgreSQL with the application's role
 * ({@link #APP}, writing {@code public.orders}) and Lifeboat's fence role with only the rights a fence needs, the
 * topics, failover-service's DR state naming home active at epoch 1, and the packaged heartbeat-service as home's
 * warden in a JVM of its own.
 */
final class WardenWorld implements AutoCloseable {

    static final String DATABASE = "portal";
    static final String APP = "app";
    static final String APP_PASSWORD = "app-pw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path workDir;
    final KafkaBroker kafka;
    final PostgresServer home;
    ServiceProcess warden;

    private WardenWorld(Path workDir, KafkaBroker kafka, PostgresServer home) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.home = home;
    }

    /** Starts the broker {@code broker} makes in the directory it is given, and home's database, side by side. */
    static WardenWorld start(String name, Function<Path, KafkaBroker> broker) throws Exception {
        Path workDir = WorkDir.create(name + "-");
        WardenWorld world = new WardenWorld(workDir, broker.apply(workDir.resolve("kafka")),
                new PostgresServer("home", workDir.resolve("home")));
        StartTogether.run(Map.of("kafka", world.kafka::start, "home", world.home::start));
        for (String topic : SecuredKafkaResource.CONTRACT_TOPICS) {
            world.kafka.createTopic(topic, 1, false);
        }
        world.kafka.createTopic("lifeboat.site-leases", 1, true);
        world.kafka.createTopic("lifeboat.failover.state", 1, true);
        world.home.createDatabase(DATABASE);
        try (Connection c = world.home.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + APP + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
            s.execute("CREATE ROLE lifeboat_fence LOGIN PASSWORD 'fence-pw' CREATEROLE");
            s.execute("GRANT " + APP + " TO lifeboat_fence WITH ADMIN OPTION");
            s.execute("GRANT pg_signal_backend TO lifeboat_fence");
            s.execute("GRANT CREATE ON DATABASE " + DATABASE + " TO lifeboat_fence");
            s.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
            s.execute("GRANT SELECT, INSERT ON public.orders TO " + APP);
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(new HashMap<>(world.kafka.adminSettings()),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("lifeboat.failover.state", "lifeboat", EventJson.mapper().writeValueAsString(
                    Map.of("stateId", "lifeboat", "activeSite", "home", "standbySite", "offsite", "epoch", 1,
                            "phase", "NORMAL", "currentStep", 0, "reason", "initial state", "updatedAt",
                            Instant.now().toString())))).get(30, TimeUnit.SECONDS);
        }
        return world;
    }

    /** The warden, not started yet: as home's heartbeat-service with these Kafka settings (Kafka's names). */
    ServiceProcess warden(Map<String, String> kafkaSettings, List<String> jvmOptions) {
        Map<String, String> env = new LinkedHashMap<>();
        kafkaSettings.forEach((key, value) -> env.put("KAFKA_" + key.toUpperCase(java.util.Locale.ROOT)
                .replace('.', '_'), value));
        env.putAll(Map.of(
                "LIFEBOAT_SITE", "home",
                "LIFEBOAT_INSTANCE_ID", "warden-home",
                "LIFEBOAT_HEARTBEAT_LOCATION", "home",
                "LIFEBOAT_WARDEN_ENABLED", "true",
                "LIFEBOAT_WARDEN_APPLICATION_ROLES", APP,
                "LIFEBOAT_WARDEN_DATABASES_PORTAL_URL", home.jdbcUrl(DATABASE),
                "LIFEBOAT_WARDEN_DATABASES_PORTAL_USER", "lifeboat_fence",
                "LIFEBOAT_WARDEN_DATABASES_PORTAL_PASSWORD", "fence-pw"));
        warden = new ServiceProcess("heartbeat-warden", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, jvmOptions, workDir);
        return warden;
    }

    /** {@code GET /warden}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> status() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(warden.url() + "/warden"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return EventJson.mapper().readValue(r.body(), Map.class);
    }

    /** Whether the application's role can log in at home now (not fenced). */
    boolean appLogsIn() {
        try (Connection ignored = DriverManager.getConnection(home.jdbcUrl(DATABASE), APP, APP_PASSWORD)) {
            return true;
        } catch (SQLException refused) {
            return false;
        }
    }

    /** Stops the warden, then {@code between} (what the test set up around it), then the servers. */
    void close(AutoCloseable between) throws Exception {
        try {
            if (warden != null) {
                warden.stop();
            }
        } finally {
            try {
                if (between != null) {
                    between.close();
                }
            } finally {
                close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            kafka.close();
        } finally {
            home.close();
            WorkDir.remove(workDir);
        }
    }
}
