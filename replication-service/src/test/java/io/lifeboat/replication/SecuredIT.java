package io.lifeboat.replication;

import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.loopback.testing.WorkDir;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.LoopbackCa;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.StartTogether;
import io.lifeboat.loopback.testing.KafkaRefusals;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * The packaged service as its own process, deployed as a platform team runs it: on a broker secured as Strimzi runs
 * one (SASL_SSL, SCRAM-SHA-512, its CA, ACLs enforced) as user replication-service with exactly the ACLs of its
 * shipped KafkaUser, configured by {@code KAFKA_*} environment variables alone; and both databases take TLS
 * connections only (hostssl), each verified by the link (verify-full against the test CA, set by
 * {@code ..._TLS_CA_FILE} alone). Every Kafka client of the service is used: Debezium's offset store, the change
 * producer, the applier, the link state store (a PAUSE and RESUME write it), the command channel and the publishers.
 * A second link, {@code wrongca}, is told to trust another CA for its source: it is refused, and says why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredIT {

    private static final String DATABASE = "portal_secured";
    private static final String WRONG_CA_DATABASE = "portal_wrongca";
    private static Path workDir;
    private static LoopbackCa otherCa;
    private static KafkaBroker kafka;
    private static PostgresServer home;
    private static PostgresServer offsite;
    private static ServiceProcess service;

    @BeforeAll
    static void servers() throws Exception {
        workDir = WorkDir.create("secured-it-");
        LoopbackCa ca = LoopbackCa.in(workDir.resolve("ca"));
        otherCa = LoopbackCa.in(workDir.resolve("other-ca"));
        kafka = KafkaBroker.secured(workDir.resolve("kafka"));
        home = new PostgresServer("home", workDir.resolve("home")).withTls(ca);
        offsite = new PostgresServer("offsite", workDir.resolve("offsite")).withTls(ca);
        StartTogether.run(Map.of("kafka", kafka::start, "home", home::start, "offsite", offsite::start));
        for (String topic : SecuredKafkaResource.CONTRACT_TOPICS) {
            kafka.createTopic(topic, 1, false);
        }
        for (String database : List.of(DATABASE, WRONG_CA_DATABASE)) {
            DemoSchema.createAtBoth(home, offsite, database, 50);
        }
        Map<String, String> env = new HashMap<>(LinkEnvironment.of("main", kafka.bootstrapServers(), home, DATABASE,
                offsite, DATABASE, "demo"));
        env.putAll(LinkEnvironment.of("wrongca", kafka.bootstrapServers(), home, WRONG_CA_DATABASE, offsite,
                WRONG_CA_DATABASE, "demo"));
        kafka.addUser("replication-service", KafkaAcls.shipped("replication-service")).forEach((key, value) ->
                env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        env.put("LIFEBOAT_REPLICATION_LINKS_MAIN_SOURCE_TLS_CA_FILE", ca.certificate().toString());
        env.put("LIFEBOAT_REPLICATION_LINKS_MAIN_TARGET_TLS_CA_FILE", ca.certificate().toString());
        env.put("LIFEBOAT_REPLICATION_LINKS_WRONGCA_SOURCE_TLS_CA_FILE", otherCa.certificate().toString());
        env.put("LIFEBOAT_REPLICATION_LINKS_WRONGCA_TARGET_TLS_CA_FILE", ca.certificate().toString());
        service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, List.of("-Xmx256m"), workDir);
        service.start();
        service.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable closeable : new AutoCloseable[] {service == null ? null : service::stop, kafka, home,
                offsite}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + closeable + ": " + e);
            }
        }
        WorkDir.remove(workDir);
    }

    private static void awaitEqual(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try (Connection h = home.connect(DATABASE); Connection o = offsite.connect(DATABASE)) {
                assertThat(DemoSchema.checksums(o)).isEqualTo(DemoSchema.checksums(h));
            }
        });
    }

    @Test
    @Order(1)
    void replicatesOverVerifiedTlsAsItsOwnKafkaUser() throws Exception {
        awaitEqual(Duration.ofSeconds(120));
        try (Connection h = home.connect(DATABASE)) {
            DemoSchema.insertRows(h, 1000, 20);
        }
        awaitEqual(Duration.ofSeconds(60));
        try (Connection h = home.connect(DATABASE); Statement s = h.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE x.ssl), count(*) FROM pg_stat_activity a"
                     + " JOIN pg_stat_ssl x USING (pid) WHERE a.backend_type = 'walsender'")) {
            rs.next();
            assertThat(rs.getInt(2)).as("Debezium's replication connection").isEqualTo(1);
            assertThat(rs.getInt(1)).as("Debezium's replication connection is encrypted").isEqualTo(1);
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("created with the service's user")
                    .contains("lifeboat.cdc.main", "lifeboat.replication.offsets", "lifeboat.replication.state");
        }
        assertThat(records("lifeboat.replication.offsets")).as("Debezium's offset store wrote its position")
                .isPositive();

        Commands commands = new Commands(kafka.adminSettings(), "main");
        commands.probe(1);
        assertThat(commands.run(CommandName.PAUSE, 1, CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        assertThat(records("lifeboat.replication.state")).as("the link state store wrote the pause").isPositive();
        assertThat(commands.run(CommandName.RESUME, 1, CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        try (Connection h = home.connect(DATABASE)) {
            DemoSchema.insertRows(h, 2000, 20);
        }
        awaitEqual(Duration.ofSeconds(60));
    }

    @Test
    @Order(2)
    void aSourceSignedByACaTheLinkDoesNotTrustIsRefusedAndSaysWhy() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(service.url())
                .get("/links/wrongca").then().statusCode(200)
                .body("state", not("STREAMING"))
                .body("reason", containsString("not signed by the CA in " + otherCa.certificate())));
        assertThat(service.tail(400)).contains("not signed by the CA in " + otherCa.certificate());
    }

    @Test
    @Order(3)
    void theBrokerRefusesWhatItsAclsDoNotGrantAndNoSecretIsLogged() throws Exception {
        Map<String, String> own = kafka.clientSettings("replication-service");
        assertThat(KafkaRefusals.anonymousClient(kafka, "lifeboat.commands")).isInstanceOf(TimeoutException.class);
        assertThat(KafkaRefusals.write(own, "lifeboat.commands")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaRefusals.read(own, "lifeboat.heartbeats")).isInstanceOf(TopicAuthorizationException.class);
        String password = own.get("sasl.jaas.config").replaceAll(".*password=\"([^\"]*)\".*", "$1");
        assertThat(Files.readString(service.log())).as("no secret in the service's log")
                .doesNotContain(password, own.get("ssl.truststore.password"), home.password(), offsite.password());
    }

    private static long records(String topic) {
        Map<String, Object> settings = new HashMap<>(kafka.adminSettings());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-it-" + System.nanoTime());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }
}
