package io.lifeboat.events.kafka;

import io.lifeboat.loopback.testing.SharedServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared compacted-topic store against a real broker: created compacted, read back whole, tombstones kept. */
class CompactedTopicTest {

    private final Map<String, Object> kafka = Map.of("bootstrap.servers", SharedServers.kafka().bootstrapServers());

    @Test
    void whatIsWrittenAndWaitedForIsReadBackInOrderWithTombstones() throws Exception {
        String topic = "lifeboat.test.state." + UUID.randomUUID();
        try (CompactedTopic store = new CompactedTopic(kafka, topic, "test-state")) {
            store.ensure(Optional.empty());
            store.ensure(Optional.empty()); // a second start finds the topic there
            store.put("a", bytes("1"));
            store.put("b", bytes("2"));
            store.put("a", null);
            store.putAndWait("c", bytes("3"));
        }
        Map<String, String> state = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        long read = new CompactedTopic(kafka, topic, "test-state").readToEnd(r -> {
            seen.add(r.key());
            if (r.value() == null) {
                state.remove(r.key());
            } else {
                state.put(r.key(), new String(r.value(), StandardCharsets.UTF_8));
            }
        });
        assertThat(read).isEqualTo(4);
        assertThat(seen).containsExactly("a", "b", "a", "c");
        assertThat(state).containsExactly(Map.entry("b", "2"), Map.entry("c", "3"));
        try (Admin admin = Admin.create(kafka)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void aWriteTheBrokerRefusesIsAnErrorNamingTheTopicNotASilentLoss() {
        String topic = "lifeboat.test.state." + UUID.randomUUID();
        try (CompactedTopic store = new CompactedTopic(kafka, topic, "test-state")) {
            store.ensure(Optional.empty());
            // Larger than the broker's default message size: refused by the broker, so the write must throw.
            assertThatThrownBy(() -> store.putAndWait("big", new byte[2_000_000]))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(topic);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
