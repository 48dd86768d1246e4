package io.lifeboat.events.kafka;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.ServiceStarted;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static io.lifeboat.events.kafka.CloudEventHeaders.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every kind of unreadable record lands in the dead-letter topic with its reason, and the consumer goes on; a
 * well-formed event of a type the consumer does not take is passed over, not dead-lettered.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
class DeadLetterTest {

    private static final String TOPIC = "lifeboat.probe";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ProbeConsumer consumer;

    @Inject
    MeterRegistry meters;

    @Test
    void everyUnreadableRecordIsDeadLetteredWithItsReasonAndTheConsumerCarriesOn() throws Exception {
        String run = UUID.randomUUID().toString();
        byte[] started = EventJson.mapper().writeValueAsBytes(
                new ServiceStarted("probe-service", "home", run, "1.0", "abc", Instant.now()));
        byte[] heartbeat = EventJson.mapper().writeValueAsBytes(new HeartbeatObserved("home", "https://home/health",
                "HTTP", true, "obs-1", "eu", true, 12, null, null, null, Instant.now()));
        byte[] missingService = ("{\"siteId\":\"home\",\"instanceId\":\"" + run + "\",\"version\":\"1\","
                + "\"commit\":\"abc\",\"startedAt\":\"2026-11-25T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8);

        Map<String, Bad> bad = new LinkedHashMap<>();
        bad.put("not-json", new Bad("lifeboat.service.started.v1", "{not json".getBytes(StandardCharsets.UTF_8), "is not JSON"));
        bad.put("unknown-type", new Bad("lifeboat.unicorn.appeared.v1", started, "unknown event type"));
        bad.put("unknown-version", new Bad("lifeboat.service.started.v7", started, "unknown version"));
        bad.put("missing-field", new Bad("lifeboat.service.started.v1", missingService, "service"));
        bad.put("too-large", new Bad("lifeboat.service.started.v1", new byte[10_000], "over the limit"));
        bad.put("no-cloudevent", new Bad(null, started, "not a CloudEvent"));

        double countedBefore = deadLetters();
        Map<String, RecordMetadata> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (Map.Entry<String, Bad> entry : bad.entrySet()) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, run + "/" + entry.getKey(), entry.getValue().value());
                cloudEventHeaders(record.headers(), entry.getValue().type());
                record.headers().add("x-trace", run.getBytes(StandardCharsets.UTF_8));
                sent.put(entry.getKey(), producer.send(record).get());
            }
            ProducerRecord<String, byte[]> other = new ProducerRecord<>(TOPIC, run + "/other-type", heartbeat);
            cloudEventHeaders(other.headers(), "lifeboat.heartbeat.observed.v1");
            producer.send(other).get();
            ProducerRecord<String, byte[]> good = new ProducerRecord<>(TOPIC, run + "/good", started);
            cloudEventHeaders(good.headers(), "lifeboat.service.started.v1");
            producer.send(good).get();
            // Written after everything else by the one consumer, so once it is seen every earlier dead letter is too.
            producer.send(new ProducerRecord<>(TOPIC, run + "/last", "{}".getBytes(StandardCharsets.UTF_8))).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.received())
                .anyMatch(e -> e.payload().instanceId().equals(run)));

        try (TopicReader dlq = new TopicReader(bootstrap, "lifeboat.dlq")) {
            for (Map.Entry<String, Bad> entry : bad.entrySet()) {
                String key = run + "/" + entry.getKey();
                var letter = dlq.awaitRecord(r -> key.equals(r.key()), Duration.ofSeconds(30));
                Headers headers = letter.headers();
                assertThat(text(headers, DeadLetters.REASON)).as(entry.getKey()).contains(entry.getValue().reasonContains());
                assertThat(text(headers, DeadLetters.TOPIC)).isEqualTo(TOPIC);
                assertThat(text(headers, DeadLetters.PARTITION)).isEqualTo(Integer.toString(sent.get(entry.getKey()).partition()));
                assertThat(text(headers, DeadLetters.OFFSET)).isEqualTo(Long.toString(sent.get(entry.getKey()).offset()));
                assertThat(text(headers, DeadLetters.CONSUMER)).startsWith("common-events-test/");
                assertThat(text(headers, "x-trace")).isEqualTo(run);
                assertThat(letter.value()).isEqualTo(entry.getValue().value());
            }
            dlq.awaitRecord(r -> (run + "/last").equals(r.key()), Duration.ofSeconds(30));
            assertThat(dlq.seen()).noneMatch(r -> (run + "/good").equals(r.key()) || (run + "/other-type").equals(r.key()));
        }
        // Each dead letter counted once, for this consumer and the topic it read: the six bad ones and the last.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deadLetters() - countedBefore)
                .isEqualTo(bad.size() + 1));
    }

    private double deadLetters() {
        Counter counter = meters.find("lifeboat.dead.letters").tags("consumer", "common-events-test", "topic", TOPIC)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private record Bad(String type, byte[] value, String reasonContains) {
    }

    private static void cloudEventHeaders(Headers headers, String type) {
        if (type == null) {
            return;
        }
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SOURCE, "/lifeboat/test/home".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
    }
}
