package io.lifeboat.events.kafka;

import io.lifeboat.events.service.ServiceIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Sends a record that could not be read to {@code lifeboat.dlq}: the original key, bytes and headers, and headers
 * saying why, from where, and who gave up on it. Each one written counts in
 * {@code lifeboat_dead_letters_total{consumer,topic}} (the service that gave up, the topic it read).
 */
@ApplicationScoped
@Unremovable
public class DeadLetters {

    public static final String REASON = "lifeboat-dlq-reason";
    public static final String TOPIC = "lifeboat-dlq-topic";
    public static final String PARTITION = "lifeboat-dlq-partition";
    public static final String OFFSET = "lifeboat-dlq-offset";
    public static final String CONSUMER = "lifeboat-dlq-consumer";
    public static final String AT = "lifeboat-dlq-at";

    private final MutinyEmitter<byte[]> dlq;
    private final TopicNames topics;
    private final ServiceIdentity identity;
    private final MeterRegistry meters;

    DeadLetters(@Channel("lifeboat-dlq") MutinyEmitter<byte[]> dlq, TopicNames topics, ServiceIdentity identity,
            MeterRegistry meters) {
        this.dlq = dlq;
        this.topics = topics;
        this.identity = identity;
        this.meters = meters;
    }

    public Uni<Void> send(ConsumerRecord<?, byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(REASON, utf8(reason));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(OFFSET, utf8(Long.toString(record.offset())));
        headers.add(CONSUMER, utf8(identity.who()));
        headers.add(AT, utf8(Instant.now().toString()));
        Message<byte[]> message = Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.builder()
                .withTopic(topics.of(io.lifeboat.events.Topic.DLQ))
                .withKey(record.key() == null ? null : record.key().toString())
                .withHeaders(headers)
                .build());
        // Counted here, once written, so that every consumer's dead letters are counted the same way.
        return dlq.sendMessage(message).invoke(() -> meters.counter("lifeboat.dead.letters",
                "consumer", identity.service(), "topic", record.topic()).increment());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
