package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.PgEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/** What a {@link ChangeApplier} is built from. */
public record ApplierConfig(String linkId, PgEndpoint target, String topic, String topicId, List<String> schemas,
        Map<String, Object> kafka, int batchSize, BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters,
        ApplierListener listener, CopyRunner copier) {

    public static Builder builder() {
        return new Builder();
    }

    KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Never a silent jump: a position the log no longer has is a gap, and the applier stops on it.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        // A burst arrives in few, large fetches; bounded so the heap stays small (what is fetched lives until it is
        // applied: with a small young generation, larger fetches were promoted, then full GCs).
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 2 * 1024 * 1024);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "lifeboat-applier-" + linkId);
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public static final class Builder {
        private String linkId;
        private PgEndpoint target;
        private String topic;
        private String topicId;
        private List<String> schemas;
        private Map<String, Object> kafka;
        private int batchSize = 1000;
        private BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters;
        private ApplierListener listener;
        private CopyRunner copier;

        public Builder linkId(String linkId) {
            this.linkId = linkId;
            return this;
        }

        public Builder target(PgEndpoint target) {
            this.target = target;
            return this;
        }

        /** The link's change topic and its Kafka id (see {@code ChangeTopic}). */
        public Builder topic(String topic, String topicId) {
            this.topic = topic;
            this.topicId = topicId;
            return this;
        }

        public Builder schemas(Collection<String> schemas) {
            this.schemas = List.copyOf(schemas);
            return this;
        }

        /** The Kafka client settings every client of the service shares. */
        public Builder kafka(Map<String, Object> kafka) {
            this.kafka = Map.copyOf(kafka);
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder deadLetters(BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        public Builder listener(ApplierListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder copier(CopyRunner copier) {
            this.copier = copier;
            return this;
        }

        public ChangeApplier build() {
            Objects.requireNonNull(linkId, "linkId");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(schemas, "schemas");
            Objects.requireNonNull(kafka, "kafka");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(copier, "copier");
            return new ChangeApplier(new ApplierConfig(linkId, target, topic, topicId, schemas, kafka, batchSize,
                    deadLetters, listener, copier));
        }
    }
}
