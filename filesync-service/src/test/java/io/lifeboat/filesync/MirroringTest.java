package io.lifeboat.filesync;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileMirrored;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.ReconciliationCompleted;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.testing.FilesyncStoresResource;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole path, end to end, with the service running: a file put at one site's real store → the store's
 * MinIO-format notification → file.arrived on lifeboat.files → mirrored to the other site, verified → file.mirrored.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(FilesyncStoresResource.class)
class MirroringTest {

    static final Duration LANDS = Duration.ofSeconds(30);
    final String prefix = "e2e-" + UUID.randomUUID() + "/";
    final S3Client home = Stores.s3("home");
    final S3Client offsite = Stores.s3("offsite");

    @Test
    void mirrorsBothWaysWithoutEcho() {
        String fromHome = prefix + "from-home.csv";
        String fromOffsite = prefix + "from-offsite.csv";
        try (TopicReader files = reader("lifeboat.files")) {
            home.putObject(b -> b.bucket(BUCKET).key(fromHome).contentType("text/csv"), RequestBody.fromString("h\n"));
            offsite.putObject(b -> b.bucket(BUCKET).key(fromOffsite), RequestBody.fromString("o\n"));

            awaitAt(offsite, fromHome, "h\n");
            awaitAt(home, fromOffsite, "o\n");
            assertThat(Stores.head(offsite, fromHome).orElseThrow().metadata())
                    .containsEntry(LifeboatMetadata.ORIGIN_SITE, "home");
            assertThat(Stores.head(home, fromOffsite).orElseThrow().metadata())
                    .containsEntry(LifeboatMetadata.ORIGIN_SITE, "offsite");

            FileMirrored mirrored = (FileMirrored) files.awaitEvent(e -> e.type() == EventTypes.FILE_MIRRORED
                    && ((FileMirrored) e.payload()).key().equals(fromHome), LANDS).payload();
            assertThat(mirrored.linkId()).isEqualTo("home-to-offsite-files");
            assertThat(mirrored.originSite()).isEqualTo("home");
            // The copies' own notifications arrive too (origin = the other site) and are recognised as echoes
            // where they come in: no file.arrived for them. Wait for those decisions, then check that each file was
            // mirrored exactly once.
            awaitDecision("offsite-to-home-files", fromHome, "ECHO");
            awaitDecision("home-to-offsite-files", fromOffsite, "ECHO");
            assertThat(countMirrored(files, fromHome)).isEqualTo(1);
            assertThat(countMirrored(files, fromOffsite)).isEqualTo(1);
            // A new version of the same key puts its arrival behind anything the copy's notification could have
            // produced (one key, one partition): up to it, no arrival of the copy at offsite.
            home.putObject(b -> b.bucket(BUCKET).key(fromHome).contentType("text/csv"), RequestBody.fromString("h2\n"));
            files.awaitEvent(e -> e.type() == EventTypes.FILE_ARRIVED && e.key().equals(BUCKET + "/" + fromHome)
                    && ((io.lifeboat.events.FileArrived) e.payload()).size() == 3, LANDS);
            assertThat(arrivalSites(files, fromHome)).containsExactly("home", "home");
        }
    }

    @Test
    void mirrorsEmptyFilesOddKeysAndLargeFilesInParts() {
        byte[] big = new byte[12 * 1024 * 1024 + 5];
        new java.util.Random(3).nextBytes(big);
        List<String> keys = List.of(prefix + "empty.csv", prefix + "a key with spaces.csv",
                prefix + "ünïcødé/日本語/データ.csv", prefix + "x/y/z/1/2/3/4/5/6/7/8/9/deep.zip", prefix + "big.zip");
        for (String key : keys) {
            byte[] content = key.endsWith("empty.csv") ? new byte[0]
                    : key.endsWith("big.zip") ? big : key.getBytes(StandardCharsets.UTF_8);
            home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
        }
        for (String key : keys) {
            await().atMost(LANDS).until(() -> Stores.head(offsite, key).isPresent());
        }
        assertThat(Stores.head(offsite, prefix + "empty.csv").orElseThrow().contentLength()).isZero();
        assertThat(Stores.sha256(offsite, prefix + "big.zip")).isEqualTo(Stores.sha256(big));
        assertThat(Stores.sha256(offsite, prefix + "ünïcødé/日本語/データ.csv"))
                .isEqualTo(Stores.sha256((prefix + "ünïcødé/日本語/データ.csv").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mirrorsManySmallFilesAtOnce() {
        int count = 200;
        List<String> keys = IntStream.range(0, count).mapToObj(i -> prefix + "many/" + i + ".csv").toList();
        List<CompletableFuture<?>> puts = new ArrayList<>();
        for (String key : keys) {
            S3Client site = key.hashCode() % 2 == 0 ? home : offsite;
            puts.add(CompletableFuture.runAsync(() -> site.putObject(b -> b.bucket(BUCKET).key(key),
                    RequestBody.fromString(key))));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(60)).until(() -> countUnder(home, prefix + "many/") == count
                && countUnder(offsite, prefix + "many/") == count);
    }

    @Test
    void conflictingWritesKeepBothVersionsAndRaiseAnAlert() {
        String key = prefix + "both.csv";
        try (TopicReader alerts = reader("lifeboat.alerts")) {
            // Written at both sites before either copy can land.
            CompletableFuture<?> a = CompletableFuture.runAsync(() -> home.putObject(b -> b.bucket(BUCKET).key(key),
                    RequestBody.fromString("home's version")));
            CompletableFuture<?> b = CompletableFuture.runAsync(() -> offsite.putObject(r -> r.bucket(BUCKET)
                    .key(key), RequestBody.fromString("offsite's version, longer")));
            CompletableFuture.allOf(a, b).join();

            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).alertId().equals("file-conflict:" + BUCKET + "/" + key),
                    LANDS).payload();
            assertThat(alert.kind()).isEqualTo("FILE_CONFLICT");
            assertThat(alert.reason()).contains("newer write wins");
        }
        // Converges: the same winner under the key at both sites, the loser under the conflict prefix at both.
        await().atMost(LANDS).untilAsserted(() -> {
            String atHome = home.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String();
            assertThat(offsite.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo(atHome);
            String loser = atHome.equals("home's version") ? "offsite's version, longer" : "home's version";
            for (S3Client site : List.of(home, offsite)) {
                List<String> kept = site.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(".lifeboat-conflicts/"))
                        .contents().stream().map(o -> o.key()).filter(k -> k.endsWith("/" + key)).toList();
                assertThat(kept).hasSize(1);
                assertThat(site.getObjectAsBytes(r -> r.bucket(BUCKET).key(kept.get(0))).asUtf8String())
                        .isEqualTo(loser);
            }
        });
    }

    @Test
    void sendsMalformedAndUnknownNotificationsToTheDeadLetterTopicAndReadsValidOnes() {
        String key = prefix + "hand-made.csv";
        home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("made by hand"));
        String topic = Stores.notificationTopic("home");
        String valid = """
                {"EventName":"s3:ObjectCreated:Put","Key":"exports/%s","Records":[{"eventVersion":"2.0",
                "eventSource":"minio:s3","awsRegion":"","eventTime":"2026-01-01T00:00:00.000Z",
                "eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},
                "requestParameters":{},"responseElements":{},"s3":{"s3SchemaVersion":"1.0",
                "configurationId":"Config","bucket":{"name":"exports","ownerIdentity":{"principalId":"minio"},
                "arn":"arn:aws:s3:::exports"},"object":{"key":"%s","size":12,"eTag":"abc",
                "contentType":"text/csv","userMetadata":{},"sequencer":"1"}},"source":{}}]}"""
                .formatted(key, java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
        try (TopicReader dlq = reader("lifeboat.dlq");
             KafkaProducer<String, String> producer = new KafkaProducer<>(java.util.Map.of("bootstrap.servers",
                     SharedServers.kafka().bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, prefix + "not-json", "{not json"));
            producer.send(new ProducerRecord<>(topic, prefix + "unknown", valid.replace("s3:ObjectCreated:Put",
                    "s3:ObjectAccessed:Get")));
            producer.send(new ProducerRecord<>(topic, prefix + "no-records", "{\"EventName\":\"x\"}"));
            producer.send(new ProducerRecord<>(topic, "exports/" + key, valid));
            producer.flush();

            assertThat(dlqReason(dlq, prefix + "not-json")).contains("not JSON");
            assertThat(dlqReason(dlq, prefix + "unknown")).contains("s3:ObjectAccessed:Get")
                    .contains("not one filesync handles");
            assertThat(dlqReason(dlq, prefix + "no-records")).contains("no Records[]");
        }
        awaitAt(offsite, key, "made by hand");
    }

    @Test
    void reconciliationRepairsFilesRemovedOrChangedBehindItsBack() throws Exception {
        String removed = prefix + "removed.csv";
        String changed = prefix + "changed.csv";
        // Let the start-up reconciliation finish first, so that only the notification path copies these two.
        await().atMost(LANDS).untilAsserted(() -> given().get("/links").then().statusCode(200)
                .body("lastReconciliation.findAll { it != null }.size()", org.hamcrest.Matchers.equalTo(2)));
        home.putObject(b -> b.bucket(BUCKET).key(removed), RequestBody.fromString("removed behind its back"));
        home.putObject(b -> b.bucket(BUCKET).key(changed), RequestBody.fromString("changed behind its back"));
        awaitAt(offsite, removed, "removed behind its back");
        awaitAt(offsite, changed, "changed behind its back");

        offsite.deleteObject(b -> b.bucket(BUCKET).key(removed));
        // Straight into the store's files: no S3 request, no notification, the metadata left as it was.
        Path onDisk = Stores.store("offsite").dataDir().resolve(BUCKET).resolve(changed);
        Files.writeString(onDisk, "garbage");

        try (TopicReader events = reader("lifeboat.events")) {
            given().auth().oauth2(ApiAndCommandsTest.OPERATOR).post("/reconcile?link=home-to-offsite-files").then().statusCode(200)
                    .body("[0].linkId", containsString("home-to-offsite-files"));
            ReconciliationCompleted report = (ReconciliationCompleted) events.awaitEvent(
                    e -> e.type() == EventTypes.RECONCILIATION_COMPLETED
                            && ((ReconciliationCompleted) e.payload()).trigger().equals("request"), LANDS).payload();
            assertThat(report.copied()).isGreaterThanOrEqualTo(2);
            assertThat(report.checked()).isGreaterThanOrEqualTo(2);
            // The progress figures the API shows while it runs end equal to the report: every object listed compared.
            String link = "find { it.linkId == 'home-to-offsite-files' }";
            given().get("/reconcile").then().statusCode(200)
                    .body(link + ".trigger", equalTo("request"))
                    .body(link + ".running", equalTo(false))
                    .body(link + ".listed", equalTo((int) report.checked()))
                    .body(link + ".total", equalTo((int) report.checked()))
                    .body(link + ".compared", equalTo((int) report.checked()))
                    .body(link + ".copied", equalTo((int) report.copied()));
            given().get("/links").then().statusCode(200)
                    .body(link + ".reconciliation.compared", equalTo((int) report.checked()));
        }
        assertThat(offsite.getObjectAsBytes(b -> b.bucket(BUCKET).key(removed)).asUtf8String())
                .isEqualTo("removed behind its back");
        assertThat(offsite.getObjectAsBytes(b -> b.bucket(BUCKET).key(changed)).asUtf8String())
                .isEqualTo("changed behind its back");
    }

    @Test
    void reportsLagEverySecondPerLinkAlsoWhileIdleAndShowsLinksAndMetrics() {
        try (TopicReader lag = reader("lifeboat.replication.lag")) {
            for (String link : List.of("home-to-offsite-files", "offsite-to-home-files")) {
                ReplicationLag measured = (ReplicationLag) lag.awaitEvent(e -> e.type() == EventTypes.REPLICATION_LAG
                        && ((ReplicationLag) e.payload()).linkId().equals(link), LANDS).payload();
                assertThat(measured.kind()).isEqualTo(LinkKind.FILES);
            }
        }
        given().get("/links").then().statusCode(200)
                .body("linkId", hasItems("home-to-offsite-files", "offsite-to-home-files"))
                .body("[0].state", containsString("STREAMING"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lifeboat_filesync_lag_seconds"))
                .body(containsString("lifeboat_filesync_pending_files"));
    }

    private static String dlqReason(TopicReader dlq, String key) {
        var record = dlq.awaitRecord(r -> key.equals(r.key()), LANDS);
        return new String(record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
    }

    private static void awaitDecision(String link, String key, String outcome) {
        await().atMost(LANDS).untilAsserted(() -> given().get("/links").then().statusCode(200)
                .body("find { it.linkId == '" + link + "' }.recentDecisions.findAll { it.key == '" + key
                        + "' }.outcome", hasItems(outcome)));
    }

    private static long countMirrored(TopicReader files, String key) {
        io.lifeboat.events.kafka.EventReader reader = new io.lifeboat.events.kafka.EventReader(262144);
        return files.seen().stream().filter(r -> r.key() != null && r.key().endsWith("/" + key)).filter(r -> {
            try {
                return reader.read(r.headers(), r.value()).type() == EventTypes.FILE_MIRRORED;
            } catch (io.lifeboat.events.kafka.UnreadableEvent e) {
                return false;
            }
        }).count();
    }

    /** The sites of the file.arrived events about a key, in the order they were published. */
    private static List<String> arrivalSites(TopicReader files, String key) {
        io.lifeboat.events.kafka.EventReader reader = new io.lifeboat.events.kafka.EventReader(262144);
        List<String> sites = new java.util.ArrayList<>();
        for (var r : files.seen()) {
            if (r.key() == null || !r.key().equals(BUCKET + "/" + key)) {
                continue;
            }
            try {
                if (reader.read(r.headers(), r.value()).payload() instanceof io.lifeboat.events.FileArrived a) {
                    sites.add(a.siteId());
                }
            } catch (io.lifeboat.events.kafka.UnreadableEvent e) {
                // not an event
            }
        }
        return sites;
    }

    private static long countUnder(S3Client s3, String under) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(under)).contents().stream().count();
    }

    private static void awaitAt(S3Client site, String key, String content) {
        await().atMost(LANDS).until(() -> Stores.head(site, key).isPresent()
                && site.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String().equals(content));
    }

    private static TopicReader reader(String topic) {
        return new TopicReader(SharedServers.kafka().bootstrapServers(), topic);
    }
}
