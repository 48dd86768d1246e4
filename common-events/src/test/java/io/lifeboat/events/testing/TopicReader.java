package io.lifeboat.events.testing;

import io.lifeboat.events.Event;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.kafka.UnreadableEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Reads a topic from its beginning in a test, as a dashboard or another team would. */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** @param clientSettings how to reach the broker: bootstrap servers and, on a secured one, who the reader is */
    public TopicReader(Map<String, ?> clientSettings, String topic) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Polls until a record matches, and returns it; fails after the timeout. */
    public ConsumerRecord<String, byte[]> awaitRecord(Predicate<ConsumerRecord<String, byte[]>> matching, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(timeout).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            seen.stream().filter(matching).findFirst().ifPresent(found::add);
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Polls until an event matches, and returns it; unreadable records are passed over. */
    public Event<?> awaitEvent(Predicate<Event<?>> matching, Duration timeout) {
        EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
        ConsumerRecord<String, byte[]> record = awaitRecord(r -> {
            try {
                return matching.test(reader.read(r.headers(), r.value()));
            } catch (UnreadableEvent e) {
                return false;
            }
        }, timeout);
        try {
            return reader.read(record.headers(), record.value());
        } catch (UnreadableEvent e) {
            throw new AssertionError(e);
        }
    }

    public List<ConsumerRecord<String, byte[]>> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
