package io.lifeboat.replication.source;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One link's capture: the Debezium embedded engine reading the source's slot, and a Kafka producer writing each
 * change, in Debezium's JSON envelope, to {@code <prefix>.<link>.<schema>.<table>} keyed by primary key.
 *
 * <p>Debezium's offsets advance only after the batch is acknowledged by Kafka ({@code acks=all}, idempotent
 * producer): a crash re-sends (at least once) but never skips. The applier turns that into exactly once in effect.
 *
 * <p>Lifecycle, as Debezium's own embedded API: {@link #builder()} → {@link #run()} (blocks; run it on a thread of
 * your own) → {@link #close()}.
 */
public final class ChangeSource implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeSource.class);
    private static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

    private final String linkId;
    private final Properties debezium;
    private final SourceListener listener;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final int topicPartitions;
    private final short replicationFactor;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private final java.util.function.Function<String, String> route;
    private final java.util.function.Predicate<SourceRecord> keep;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private ChangeSource(Builder b) {
        this.linkId = b.linkId;
        this.debezium = b.debezium;
        this.listener = b.listener;
        this.topicPartitions = b.topicPartitions;
        this.replicationFactor = b.replicationFactor;
        this.route = b.route;
        this.keep = b.keep;
        Map<String, Object> kafka = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                // 64 KB batches fill a burst's requests; the pool is bounded so the heap stays small (the
                // producer keeps freed batch buffers pooled up to buffer.memory, live for good).
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, b.compression,
                ProducerConfig.CLIENT_ID_CONFIG, "lifeboat-source-" + b.linkId);
        this.producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the engine until {@link #close()} or a failure; the listener hears which. */
    @Override
    public void run() {
        LOG.infof("link %s: starting capture with %s", linkId, DebeziumProperties.masked(debezium));
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(debezium)
                .notifying(this::handleBatch)
                .using((success, message, error) -> listener.stopped(message, success ? null
                        : Objects.requireNonNullElseGet(error, () -> new IllegalStateException(message))))
                .build();
        engine.run();
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        long lastLsn = -1;
        long lastCommit = -1;
        boolean snapshot = false;
        for (RecordChangeEvent<SourceRecord> change : batch) {
            SourceRecord record = change.record();
            Map<String, ?> offset = record.sourceOffset();
            if (offset != null && offset.get("lsn") instanceof Number lsn) {
                lastLsn = Math.max(lastLsn, lsn.longValue());
            }
            if (record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX)) {
                continue; // carries only an offset: nothing for the applier
            }
            if (record.value() instanceof Struct envelope && envelope.schema().field("source") != null) {
                Struct source = envelope.getStruct("source");
                if (source != null) {
                    lastCommit = Math.max(lastCommit, source.getInt64("ts_ms"));
                    snapshot |= !"false".equals(String.valueOf(source.get("snapshot")));
                }
            }
            if (!keep.test(record)) {
                continue;
            }
            String topic = route.apply(record.topic());
            ensureTopic(topic);
            byte[] key = ConnectJson.write(record.keySchema(), record.key());
            byte[] value = ConnectJson.write(record.valueSchema(), record.value());
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, key, value);
            if (!topic.equals(record.topic())) {
                out.headers().add("lifeboat-source-topic", record.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            sends.add(producer.send(out));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (ExecutionException e) {
            // Offsets stay where they were: the engine stops, the link restarts it, and the batch is sent again.
            throw new IllegalStateException("link " + linkId + ": Kafka did not acknowledge a change: "
                    + e.getCause().getMessage(), e.getCause());
        }
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
        listener.produced(sends.size(), lastLsn, lastCommit, snapshot);
    }

    private void ensureTopic(String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        try {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, topicPartitions, replicationFactor)))
                        .all().get(30, TimeUnit.SECONDS);
                LOG.infof("link %s: created change topic %s (%d partitions)", linkId, topic, topicPartitions);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e.getMessage(), e);
        }
        knownTopics.add(topic);
    }

    /** The change's place in the source stream, from Debezium's source block (null for heartbeats). */
    public static io.lifeboat.replication.apply.SourcePosition positionOf(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("source") == null
                || envelope.getStruct("source") == null) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
        long commitLsn = 0;
        Object sequence = source.get("sequence");
        if (sequence instanceof String text && text.startsWith("[")) {
            String[] parts = text.replaceAll("[\\[\\]\"]", "").split(",");
            if (parts.length == 2) {
                commitLsn = parts[0].isBlank() || parts[0].equals("null") ? 0 : Long.parseLong(parts[0].trim());
                lsn = parts[1].isBlank() || parts[1].equals("null") ? lsn : Long.parseLong(parts[1].trim());
            }
        }
        Object txId = source.get("txId");
        return new io.lifeboat.replication.apply.SourcePosition(commitLsn, lsn,
                txId instanceof Number n ? n.longValue() : 0, source.getInt64("ts_ms"));
    }

    /** Stops the engine (it commits the offsets of what Kafka has acknowledged) and the clients. */
    @Override
    public void close() {
        DebeziumEngine<?> running = engine;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                LOG.warnf("link %s: closing the capture engine: %s", linkId, e.getMessage());
            }
        }
        producer.close(java.time.Duration.ofSeconds(10));
        admin.close(java.time.Duration.ofSeconds(5));
    }

    public static final class Builder {
        private String linkId;
        private Properties debezium;
        private SourceListener listener;
        private String bootstrapServers;
        private int topicPartitions = 1;
        private short replicationFactor = 1;
        private String compression = "none";

        /** The producer's {@code compression.type} for change topics (none, lz4, zstd, ...). */
        public Builder compression(String compression) {
            this.compression = compression;
            return this;
        }
        private java.util.function.Function<String, String> route = java.util.function.Function.identity();
        private java.util.function.Predicate<SourceRecord> keep = r -> true;

        /** Where each change goes, by its Debezium topic (default: that topic). */
        public Builder route(java.util.function.Function<String, String> route) {
            this.route = route;
            return this;
        }

        /** Which changes are sent at all (default: all); the others are only acknowledged. */
        public Builder keep(java.util.function.Predicate<SourceRecord> keep) {
            this.keep = keep;
            return this;
        }

        public Builder linkId(String linkId) {
            this.linkId = linkId;
            return this;
        }

        public Builder debezium(Properties debezium) {
            this.debezium = debezium;
            return this;
        }

        public Builder listener(SourceListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder topics(int partitions, short replicationFactor) {
            this.topicPartitions = partitions;
            this.replicationFactor = replicationFactor;
            return this;
        }

        public ChangeSource build() {
            Objects.requireNonNull(linkId, "linkId");
            Objects.requireNonNull(debezium, "debezium");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return new ChangeSource(this);
        }
    }
}
