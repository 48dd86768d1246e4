package io.lifeboat.filesync;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileMirrored;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.kafka.UnreadableEvent;
import io.lifeboat.loopback.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What {@link FilesyncBenchmarkIT} reads from Kafka: filesync's file.mirrored events, and its consumer groups' lag. */
final class BenchmarkKafka {

    private BenchmarkKafka() {
    }

    /** A consumer of lifeboat.files from its end, in a group of its own, once it has its partitions. */
    static KafkaConsumer<String, byte[]> consumer(KafkaBroker kafka) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of("lifeboat.files"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    /**
     * When each key under {@code prefix} was first reported mirrored, until {@code total} keys are, or the latency
     * runs' time ({@code latencySeconds}) and three minutes more have passed.
     */
    static void watchMirrored(KafkaConsumer<String, byte[]> files, String prefix, Map<String, Long> mirrored,
            int total, int latencySeconds) {
        EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
        long deadline = System.currentTimeMillis() + (latencySeconds + 180) * 1000L;
        while (mirrored.size() < total && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, byte[]> r : files.poll(Duration.ofMillis(100))) {
                try {
                    var event = reader.read(r.headers(), r.value());
                    if (event.type() == EventTypes.FILE_MIRRORED
                            && ((FileMirrored) event.payload()).key().startsWith(prefix)) {
                        FileMirrored m = (FileMirrored) event.payload();
                        mirrored.putIfAbsent(m.key(), m.mirroredAt().toEpochMilli());
                    }
                } catch (UnreadableEvent ignored) {
                    // not ours
                }
            }
        }
    }

    /** Until filesync's consumer groups have handled and committed everything waiting in their topics. */
    static void awaitCaughtUp(KafkaBroker kafka) {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                    lag(admin, "filesync-service-notifications") == 0 && lag(admin, "filesync-service") == 0);
        }
    }

    private static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get();
        long lag = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            lag += end.get(e.getKey()).offset() - (e.getValue() == null ? 0 : e.getValue().offset());
        }
        return lag;
    }
}
