package io.lifeboat.events.epoch;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.CloudEventHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The epoch failover-service holds, read from its DR state topic ({@code lifeboat.failover.state}) with
 * {@code read_committed}: only what a leader committed counts, never a fenced leader's aborted write. The leader
 * writes the state with a raised epoch before or in the same transaction as the commands of that epoch, so once a
 * command is readable, reading the state topic to its end shows its epoch, if a leader published it.
 * Not thread-safe on its own: {@link #current()} is synchronized.
 */
public final class FailoverEpoch implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final String stateId;
    private final Duration within;
    private final KafkaConsumer<String, byte[]> consumer;
    private List<TopicPartition> partitions = List.of();
    private Long newest;

    /**
     * @param kafka   the service's Kafka client settings ({@code KafkaSettings.clients}), security included
     * @param topic   the DR state topic
     * @param stateId the DR arrangement's key ({@code lifeboat.failover.state-id})
     * @param within  how long one read to the topic's end may take
     */
    public FailoverEpoch(Map<String, Object> kafka, String topic, String stateId, String clientId, Duration within) {
        this.topic = topic;
        this.stateId = stateId;
        this.within = within;
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, no group: no group ACL needed
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // failover-service creates its state topic (compacted, one partition); a reader must never create it first.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
    }

    /**
     * Reads the state topic to its current end (the last stable offset) and answers the epoch of the newest state of
     * this arrangement, empty when there is none.
     *
     * @throws IllegalStateException when the end cannot be reached in time (the broker away): then nothing is known
     */
    public synchronized OptionalLong current() {
        if (partitions.isEmpty()) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, within);
            if (infos == null || infos.isEmpty()) {
                return OptionalLong.empty();
            }
            partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, within);
        long deadline = System.nanoTime() + within.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, within) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + within);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                read(record);
            }
        }
        return newest == null ? OptionalLong.empty() : OptionalLong.of(newest);
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (!stateId.equals(record.key()) || record.value() == null
                || !EventTypes.FAILOVER_STATE.name().equals(CloudEventHeaders.text(record.headers(), CloudEventHeaders.TYPE))) {
            return;
        }
        try {
            JsonNode epoch = EventJson.mapper().readTree(record.value()).get("epoch");
            if (epoch != null && epoch.canConvertToLong()) {
                newest = epoch.asLong(); // compacted: the newest record is the state
            }
        } catch (IOException e) {
            // Not a state failover-service wrote (it writes only valid JSON): it says nothing of the epoch.
        }
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
