package io.lifeboat.filesync;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileMirrored;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.filesync.testing.ServiceUnderTest;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.StartTogether;
import io.lifeboat.loopback.testing.KafkaRefusals;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged service as its own process on a broker secured as a platform team runs one (SASL_SSL, SCRAM-SHA-512,
 * its CA, ACLs enforced), as user filesync-service with exactly the ACLs of its shipped KafkaUser, configured only by
 * {@code KAFKA_*} environment variables as its pod would be. Both sites are scanned (no bucket notifications), so
 * that every Kafka client the service has is used: the scanner's own admin client, loader and producer (its state
 * topic, which it creates), the channels' producers and the consumers of its groups.
 */
class SecuredKafkaIT {

    @TempDir
    static Path workDir;
    static KafkaBroker kafka;
    static ObjectStore home;
    static ObjectStore offsite;
    static S3Client homeS3;
    static S3Client offsiteS3;
    static ServiceUnderTest service;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaBroker.secured(workDir.resolve("kafka"));
        home = new ObjectStore("home", workDir.resolve("home"));
        offsite = new ObjectStore("offsite", workDir.resolve("offsite"));
        StartTogether.run(Map.of("kafka", kafka::start, "home", home::start, "offsite", offsite::start));
        for (String topic : SecuredKafkaResource.CONTRACT_TOPICS) {
            kafka.createTopic(topic, 1, false);
        }
        for (String site : List.of("home", "offsite")) {
            kafka.createTopic(Stores.notificationTopic(site), 1, false);
        }
        Map<String, String> env = new HashMap<>();
        kafka.addUser("filesync-service", KafkaAcls.shipped("filesync-service")).forEach((key, value) ->
                env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        home.createBucket(BUCKET);
        offsite.createBucket(BUCKET);
        homeS3 = Stores.client(home);
        offsiteS3 = Stores.client(offsite);
        env.put("LIFEBOAT_HOME_S3_ARRIVALS", "scanner");
        env.put("LIFEBOAT_OFFSITE_S3_ARRIVALS", "scanner");
        env.put("LIFEBOAT_FILESYNC_SCANNER_INTERVAL", "1s");
        service = new ServiceUnderTest(kafka, home, offsite, env, List.of("-Xmx128m", "-XX:+UseSerialGC"), workDir)
                .start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {service, homeS3, offsiteS3, home, offsite, kafka}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + closeable + ": " + e);
            }
        }
    }

    @Test
    void aFileIsMirroredWithTheServiceAsItsOwnKafkaUser() throws Exception {
        String key = "secured-" + UUID.randomUUID() + "/report.csv";
        try (TopicReader files = new TopicReader(kafka.adminSettings(), "lifeboat.files")) {
            homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("over SASL_SSL\n"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Stores.head(offsiteS3, key).isPresent());
            assertThat(Stores.sha256(offsiteS3, key)).isEqualTo(Stores.sha256(homeS3, key));
            FileMirrored mirrored = (FileMirrored) files.awaitEvent(e -> e.type() == EventTypes.FILE_MIRRORED
                    && ((FileMirrored) e.payload()).key().equals(key), Duration.ofSeconds(30)).payload();
            assertThat(mirrored.originSite()).isEqualTo("home");
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("the scanner created its state topic with its own user").contains("lifeboat.filesync.scanner-state");
        }
        Map<String, String> secrets = kafka.clientSettings("filesync-service");
        String password = secrets.get("sasl.jaas.config").replaceAll(".*password=\"([^\"]*)\".*", "$1");
        assertThat(java.nio.file.Files.readString(service.log())).as("no secret in the service's log")
                .doesNotContain(password, secrets.get("ssl.truststore.password"));
    }

    @Test
    void theBrokerRefusesStrangersAndWhatTheServicesAclsDoNotGrant() {
        assertThat(KafkaRefusals.anonymousClient(kafka, "lifeboat.files")).isInstanceOf(TimeoutException.class);
        Map<String, String> service = kafka.clientSettings("filesync-service");
        assertThat(KafkaRefusals.write(service, "lifeboat.commands")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaRefusals.read(service, "lifeboat.heartbeats")).isInstanceOf(TopicAuthorizationException.class);
    }
}
