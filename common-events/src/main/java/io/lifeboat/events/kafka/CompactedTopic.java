package io.lifeboat.events.kafka;

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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one way a service keeps state in a compacted Kafka topic (a link's direction and phase, the scanner's memory,
 * the DR state): the topic is created compacted with one partition unless it exists, read to its end before the
 * state is used, and written with {@code acks=all} and idempotence, a write waited for until the broker has it.
 *
 * <p>Why Kafka for state: the broker is the one place that survives the loss of either site. Why read to the end
 * before use: a state read half-way is an old state, and acting on an old state is how two sites end up writing.
 * Not thread-safe: it belongs to the one thread (or monitor) that owns the state it holds.
 */
public final class CompactedTopic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopic.class);
    /** Bounds every wait on the broker: a start that cannot read its state stops with a message, it does not hang. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, Object> kafka;
    private final String topic;
    private final String clientId;
    private final List<Future<RecordMetadata>> unflushed = new ArrayList<>();
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param kafka    the service's Kafka client settings ({@link KafkaSettings#clients}), security included
     * @param clientId the prefix of this store's client ids, which a broker's quotas and logs show
     */
    public CompactedTopic(Map<String, Object> kafka, String topic, String clientId) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.clientId = clientId;
    }

    public String topic() {
        return topic;
    }

    /**
     * Creates the topic (compacted, one partition) unless it exists.
     *
     * @param replicationFactor the replicas, or empty for the broker's default; with more than one, two must be in
     *                          sync for a write to count
     */
    public CompactedTopic ensure(Optional<Short> replicationFactor) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT));
        replicationFactor.filter(rf -> rf > 1).ifPresent(rf -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), replicationFactor).configs(configs)))
                    .all().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created the compacted state topic %s", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the state topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not create the state topic " + topic + " within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the state topic " + topic, e);
        }
        return this;
    }

    /**
     * Reads every committed record from the beginning to the end the topic has now, in order, tombstones included
     * (value null). A record the caller cannot read should stop the start with the record named: a state is never
     * guessed.
     *
     * @return how many records were read
     */
    public long readToEnd(Consumer<ConsumerRecord<String, byte[]>> apply) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-reader");
        long read = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, WAIT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + WAIT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null) {
                        apply.accept(record);
                        read++;
                    }
                }
            }
        }
        return read;
    }

    /** Sends a value (null: a tombstone, the key is forgotten) without waiting; {@link #flush()} waits. */
    public void put(String key, byte[] value) {
        unflushed.add(producer().send(new ProducerRecord<>(topic, key, value)));
    }

    /** Sends a value and waits until the broker has it, and everything put before it. */
    public void putAndWait(String key, byte[] value) {
        put(key, value);
        flush();
    }

    /**
     * Waits until everything put so far is in the broker.
     *
     * @throws IllegalStateException naming the topic when a write failed or was not acknowledged in time; the caller
     *                               must not act as if it were stored
     */
    public void flush() {
        if (producer == null) {
            return;
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> sent : unflushed) {
                sent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("could not write to " + topic + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge a write to " + topic + " within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        } finally {
            unflushed.clear();
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
