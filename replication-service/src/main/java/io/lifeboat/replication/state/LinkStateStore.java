package io.lifeboat.replication.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lifeboat.replication.config.ReplicationConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The links' durable state (direction, connector, newest epoch, phase) in a compacted Kafka topic this service owns
 * ({@code lifeboat.replication.state}, key = link id). It is read back completely before any link starts and before
 * the first command is admitted; every change is written synchronously ({@code acks=all}) before the command that
 * caused it reports DONE.
 *
 * <p>Why Kafka and not the target database: the target changes with REVERSE (and is, at a disaster, one of the
 * sites that may be gone), while the broker is the one place that must survive the loss of either site and already
 * holds Debezium's offsets for the same links.
 */
@ApplicationScoped
public class LinkStateStore {

    private static final Logger LOG = Logger.getLogger(LinkStateStore.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The service's Kafka client settings (every kafka.* key), see {@code KafkaSettings}. */
    private final Map<String, Object> kafka;
    private final String topic;
    private final short replicationFactor;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private Map<String, PersistedLink> links;
    private KafkaProducer<String, byte[]> producer;

    LinkStateStore(ReplicationConfig config,
            @io.smallrye.common.annotation.Identifier("default-kafka-broker") Map<String, Object> defaultBroker) {
        this.kafka = io.lifeboat.events.kafka.KafkaSettings.clients(defaultBroker);
        this.topic = config.stateTopic();
        this.replicationFactor = config.topicReplicationFactor();
    }

    public String topic() {
        return topic;
    }

    /** Every link's last stored state; reads the whole topic the first time (blocking, bounded). */
    public synchronized Map<String, PersistedLink> all() {
        if (links == null) {
            links = load();
        }
        return Map.copyOf(links);
    }

    public Optional<PersistedLink> of(String linkId) {
        return Optional.ofNullable(all().get(linkId));
    }

    /** Writes a link's state and waits for the broker's acknowledgement. */
    public synchronized void save(PersistedLink link) {
        all();
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(with(Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.CLIENT_ID_CONFIG, "lifeboat-replication-state")),
                        new StringSerializer(), new ByteArraySerializer());
            }
            producer.send(new ProducerRecord<>(topic, link.linkId(), json.writeValueAsBytes(link)))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            links.put(link.linkId(), link);
            LOG.infof("link %s: state stored in %s: %s → %s, epoch %d, %s", link.linkId(), topic, link.sourceSite(),
                    link.targetSite(), link.epoch(), link.phase());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the state of link " + link.linkId(), e);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot store the state of link " + link.linkId() + " in " + topic + ": "
                    + cause.getMessage(), cause);
        }
    }

    private Map<String, PersistedLink> load() {
        ensureTopic();
        Map<String, PersistedLink> found = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(with(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "lifeboat-replication-state-reader")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, WAIT);
            Instant deadline = Instant.now().plus(WAIT);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), WAIT) < e.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + WAIT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        found.remove(r.key());
                        continue;
                    }
                    try {
                        found.put(r.key(), json.readValue(r.value(), PersistedLink.class));
                    } catch (IOException e) {
                        // Never guessed: a state we cannot read stops the start, with the record named.
                        throw new IllegalStateException("unreadable link state in " + topic + "-" + r.partition() + "@"
                                + r.offset() + " (key " + r.key() + "): " + e.getMessage(), e);
                    }
                }
            }
        }
        LOG.infof("read %d link states from %s", found.size(), topic);
        return found;
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(kafka)) {
            if (!admin.listTopics().names().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replicationFactor > 1 ? "2" : "1"))))
                        .all().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("created the compacted state topic %s", topic);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + topic + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** The shared settings plus this client's own. */
    private Map<String, Object> with(Map<String, Object> own) {
        Map<String, Object> settings = new java.util.HashMap<>(kafka);
        settings.putAll(own);
        return settings;
    }
}
