package io.lifeboat.replication;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

import static io.lifeboat.replication.LinkDatabases.SOON;

/** {@link ReplicationLinkTest}'s waits for what link {@code it} publishes, and the malformed records it sends. */
final class LinkTopics {

    private LinkTopics() {
    }

    /** The first raised alert of {@code kind}. */
    static AlertRaised awaitAlert(TopicReader alerts, String kind) {
        return awaitAlert(alerts, a -> a.kind().equals(kind));
    }

    static AlertRaised awaitAlert(TopicReader alerts, Predicate<AlertRaised> matching) {
        return (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                && matching.test((AlertRaised) e.payload()), SOON).payload();
    }

    /** The first lag of link {@code it} measured after {@code after}. */
    static ReplicationLag awaitLag(TopicReader lag, Instant after, Duration within) {
        return (ReplicationLag) lag.awaitEvent(e -> e.type() == EventTypes.REPLICATION_LAG
                && ((ReplicationLag) e.payload()).linkId().equals("it")
                && ((ReplicationLag) e.payload()).measuredAt().isAfter(after), within).payload();
    }

    /** Sends {@code value} as is (no event, no CloudEvent headers), and waits until the broker has it. */
    static void sendRaw(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /** The dead letter of the record keyed {@code key}, once it has its reason. */
    static ConsumerRecord<String, byte[]> awaitDeadLetter(TopicReader dlq, String key) {
        return dlq.awaitRecord(r -> key.equals(r.key()) && r.headers().lastHeader(DeadLetters.REASON) != null, SOON);
    }
}
