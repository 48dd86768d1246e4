package io.lifeboat.replication.source;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The link's change topic: one partition, so the order in the topic is the source's commit order across all
 * tables (see {@link ChangeTopic}). Idempotent producer, {@code acks=all}: a batch returns only once every record is
 * in the log of all in-sync replicas, in order.
 */
public final class KafkaChangeSink implements ChangeSink {

    private final String linkId;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaChangeSink(String linkId, String topic, Map<String, Object> kafka, String compression) {
        this.linkId = linkId;
        this.topic = topic;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // 64 KB batches fill a burst's requests; the pool is bounded so the heap stays small (the producer keeps
        // freed batch buffers pooled up to buffer.memory, live for good).
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lifeboat-source-" + linkId);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void write(List<Change> changes) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(changes.size());
        for (Change c : changes) {
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, 0, c.key(), c.value());
            StreamHeaders.write(out.headers(), c);
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
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
