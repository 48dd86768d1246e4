package io.lifeboat.events.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one Kafka topic of Lifeboat's is made: what a service creates when the topic is missing ({@link KafkaTopics})
 * and what the Strimzi {@code KafkaTopic} resources in deploy/k8s/base/kafka-topics declare (a test compares the two).
 *
 * @param name       the topic's default name
 * @param partitions how many; 1 where one reader must see everything in order (state, leadership, one link's changes)
 * @param compacted  the topic holds state (the newest record per key counts): {@code cleanup.policy=compact}
 * @param retention  how long history or quarantine is kept, for topics that are not compacted
 * @param purpose    why the topic exists, in words (the resource's comment)
 */
public record TopicSpec(String name, int partitions, boolean compacted, Optional<Duration> retention, String purpose) {

    /** Copies of every topic on a production cluster, and how many must have a write before it counts. */
    public static final int REPLICAS = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1");
        }
        if (compacted == retention.isPresent()) {
            throw new IllegalArgumentException(name + ": a topic is either compacted (state) or has a retention (history)");
        }
    }

    static TopicSpec state(String name, String purpose) {
        return new TopicSpec(name, 1, true, Optional.empty(), purpose);
    }

    static TopicSpec history(String name, int partitions, Duration retention, String purpose) {
        return new TopicSpec(name, partitions, false, Optional.of(retention), purpose);
    }

    /** The same topic under the name this deployment gives it. */
    public TopicSpec named(String configuredName) {
        return new TopicSpec(configuredName, partitions, compacted, retention, purpose);
    }

    /** The topic-level settings, as Kafka names them ({@code min.insync.replicas} only where one is configured). */
    public Map<String, String> configs(Optional<Integer> minInsyncReplicas) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", compacted ? "compact" : "delete");
        retention.ifPresent(r -> configs.put("retention.ms", Long.toString(r.toMillis())));
        minInsyncReplicas.ifPresent(m -> configs.put("min.insync.replicas", Integer.toString(m)));
        return configs;
    }
}
