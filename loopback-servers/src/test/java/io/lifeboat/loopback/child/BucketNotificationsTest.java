package io.lifeboat.loopback.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.testing.LoopbackServers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

@ExtendWith(LoopbackServers.class)
class BucketNotificationsTest {

    @TempDir
    static Path workDir;
    static ObjectStore store;
    static String topic = "bucket-events-" + UUID.randomUUID();
    static KafkaConsumer<String, String> consumer;
    static final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    @BeforeAll
    static void start(KafkaBroker kafka) {
        kafka.createTopic(topic, 1, false);
        store = new ObjectStore("home", workDir).notifyTo(kafka.bootstrapServers(), topic).start();
        store.createBucket("exports");
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
    }

    @AfterAll
    static void stop() {
        consumer.close();
        store.close();
    }

    @Test
    void publishesMinioFormatEventsForPutsMultipartUploadsAndDeletes() throws Exception {
        String key = "in/2026 März/export #1.csv";
        try (S3Client s3 = client()) {
            s3.putObject(b -> b.bucket("exports").key(key).contentType("text/csv")
                    .metadata(Map.of("lifeboat-origin-site", "home")), RequestBody.fromString("a,b\n"));
            String uploadId = s3.createMultipartUpload(b -> b.bucket("exports").key("big.zip")).uploadId();
            String etag = s3.uploadPart(b -> b.bucket("exports").key("big.zip").uploadId(uploadId).partNumber(1),
                    RequestBody.fromString("zip")).eTag();
            s3.completeMultipartUpload(b -> b.bucket("exports").key("big.zip").uploadId(uploadId)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
            s3.deleteObject(b -> b.bucket("exports").key(key));
            // Events of one producer arrive in order: once this one is in, every earlier one is.
            s3.putObject(b -> b.bucket("exports").key("marker"), RequestBody.fromString(""));
        }

        List<ConsumerRecord<String, String>> records = awaitRecordsUntil("exports/marker");
        ObjectMapper json = new ObjectMapper();
        JsonNode put = json.readTree(records.get(0).value());
        assertThat(records.get(0).key()).isEqualTo("exports/" + key);
        assertThat(put.path("EventName").asText()).isEqualTo("s3:ObjectCreated:Put");
        assertThat(put.path("Key").asText()).isEqualTo("exports/" + key);
        JsonNode record = put.path("Records").get(0);
        assertThat(record.path("eventSource").asText()).isEqualTo("minio:s3");
        assertThat(record.path("eventName").asText()).isEqualTo("s3:ObjectCreated:Put");
        assertThat(record.path("s3").path("bucket").path("name").asText()).isEqualTo("exports");
        JsonNode object = record.path("s3").path("object");
        assertThat(object.path("key").asText()).isEqualTo("in%2F2026+M%C3%A4rz%2Fexport+%231.csv");
        assertThat(object.path("size").asLong()).isEqualTo(4);
        assertThat(object.path("eTag").asText()).isNotBlank().doesNotContain("\"");
        assertThat(object.path("userMetadata").path("X-Amz-Meta-Lifeboat-Origin-Site").asText()).isEqualTo("home");

        JsonNode multipart = json.readTree(records.get(1).value());
        assertThat(multipart.path("EventName").asText()).isEqualTo("s3:ObjectCreated:CompleteMultipartUpload");
        assertThat(multipart.path("Records").get(0).path("s3").path("object").path("size").asLong()).isEqualTo(3);

        assertThat(records).hasSize(4); // none for S3Proxy's own multipart bookkeeping
        JsonNode delete = json.readTree(records.get(2).value());
        assertThat(delete.path("EventName").asText()).isEqualTo("s3:ObjectRemoved:Delete");
        assertThat(delete.path("Key").asText()).isEqualTo("exports/" + key);
    }

    @Test
    void announcesOnlyKeysUnderItsPrefixWhenGivenOne(KafkaBroker kafka) throws Exception {
        String filtered = "bucket-events-" + UUID.randomUUID();
        kafka.createTopic(filtered, 1, false);
        try (ObjectStore prefixed = new ObjectStore("offsite", workDir.resolve("prefixed"))
                .notifyTo(kafka.bootstrapServers(), filtered, "in/").start();
                KafkaConsumer<String, String> events = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            prefixed.createBucket("exports");
            events.subscribe(List.of(filtered));
            try (S3Client s3 = client(prefixed)) {
                s3.putObject(b -> b.bucket("exports").key("out/not-announced.csv"), RequestBody.fromString("x"));
                s3.putObject(b -> b.bucket("exports").key("in/marker"), RequestBody.fromString(""));
            }
            List<String> keys = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                events.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                return keys.contains("exports/in/marker");
            });
            assertThat(keys).containsExactly("exports/in/marker");
        }
    }

    private static List<ConsumerRecord<String, String>> awaitRecordsUntil(String lastKey) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen.stream().anyMatch(r -> r.key().equals(lastKey));
        });
        return seen;
    }

    private static S3Client client() {
        return client(store);
    }

    private static S3Client client(ObjectStore store) {
        return S3Client.builder()
                .endpointOverride(store.endpoint())
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
