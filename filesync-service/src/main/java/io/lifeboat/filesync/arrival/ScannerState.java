package io.lifeboat.filesync.arrival;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scanner's memory, in a compacted Kafka topic so that it survives restarts and moves with the service: per
 * scanned bucket, a fingerprint (ETag and size) of every object it has announced, and the cursor of the pass under
 * way. Compaction keeps the newest value per key, so the topic stays the size of the bucket's listing.
 *
 * <p>Keys: {@code o/<site>/<bucket>/<object key>} → {@code <etag>:<size>} (a tombstone once removed), and
 * {@code c/<site>/<bucket>} → {@code <pass>|<last key of the pass so far>}.
 */
final class ScannerState implements AutoCloseable {

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> kafka;
    private final String topic;
    private final Map<String, Map<String, String>> fingerprints = new HashMap<>();
    private final Map<String, Cursor> cursors = new HashMap<>();
    private final List<Future<RecordMetadata>> unflushed = new ArrayList<>();
    private KafkaProducer<String, String> producer;

    record Cursor(long pass, String after) {
        static Cursor parse(String text) {
            int bar = text.indexOf('|');
            return new Cursor(Long.parseLong(text.substring(0, bar)), text.substring(bar + 1));
        }

        String text() {
            return pass + "|" + after;
        }
    }

    /** @param kafka the service's Kafka client settings ({@code KafkaSettings.clients}), security included */
    ScannerState(Map<String, Object> kafka, String topic) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
    }

    /** Creates the compacted topic unless it exists, and reads it to its end. */
    void load() {
        createTopic();
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "filesync-scanner-state-loader");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, IO_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, IO_TIMEOUT);
            long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + IO_TIMEOUT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record.key(), record.value());
                }
            }
        }
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "filesync-scanner-state");
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
    }

    private void apply(String key, String value) {
        if (key == null) {
            return;
        }
        if (key.startsWith("c/")) {
            if (value == null) {
                cursors.remove(key.substring(2));
            } else {
                cursors.put(key.substring(2), Cursor.parse(value));
            }
        } else if (key.startsWith("o/")) {
            String rest = key.substring(2);
            int first = rest.indexOf('/');
            int second = rest.indexOf('/', first + 1);
            if (first < 0 || second < 0) {
                return;
            }
            String scope = rest.substring(0, second);
            String objectKey = rest.substring(second + 1);
            if (value == null) {
                fingerprints.getOrDefault(scope, new HashMap<>()).remove(objectKey);
            } else {
                fingerprints.computeIfAbsent(scope, s -> new HashMap<>()).put(objectKey, value);
            }
        }
    }

    /** What the scanner last announced for every object of a bucket ({@code <site>/<bucket>}). */
    Map<String, String> fingerprints(String scope) {
        return fingerprints.computeIfAbsent(scope, s -> new HashMap<>());
    }

    Cursor cursor(String scope) {
        return cursors.getOrDefault(scope, new Cursor(1, ""));
    }

    void remember(String scope, String objectKey, String fingerprint) {
        if (fingerprint == null) {
            fingerprints(scope).remove(objectKey);
        } else {
            fingerprints(scope).put(objectKey, fingerprint);
        }
        unflushed.add(producer.send(new ProducerRecord<>(topic, "o/" + scope + "/" + objectKey, fingerprint)));
    }

    /** Records the cursor and waits until it and everything remembered before it is safe in Kafka. */
    void checkpoint(String scope, Cursor cursor) {
        cursors.put(scope, cursor);
        unflushed.add(producer.send(new ProducerRecord<>(topic, "c/" + scope, cursor.text())));
        producer.flush();
        try {
            for (Future<RecordMetadata> sent : unflushed) {
                sent.get(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not record the scanner's progress in " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the scanner's progress", e);
        } finally {
            unflushed.clear();
        }
    }

    private void createTopic() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "filesync-scanner-state-admin");
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1).configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create the scanner's topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating the scanner's topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the scanner's topic " + topic, e);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
