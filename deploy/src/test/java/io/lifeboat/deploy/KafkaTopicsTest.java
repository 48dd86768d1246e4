package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.events.topics.TopicCatalogue;
import io.lifeboat.events.topics.TopicSpec;
import io.lifeboat.loopback.TwoSiteWorld;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One source of truth for how each topic is made: the shipped KafkaTopic resources say exactly what common-events'
 * TopicCatalogue says (which the services use when they create a missing topic), for every topic Lifeboat uses.
 */
class KafkaTopicsTest {

    private static final Path TOPICS = Path.of("k8s/base/kafka-topics");

    @Test
    void theKafkaTopicResourcesAreTheCatalogue() {
        // The shipped replication link is "main" (k8s/base/replication-service), the sites home and offsite.
        Map<String, String> expected = new TreeMap<>();
        for (TopicSpec spec : TopicCatalogue.all(List.of("main"), TwoSiteWorld.SITES)) {
            expected.put(spec.name(), "partitions=" + spec.partitions() + " replicas=" + TopicSpec.REPLICAS + " config="
                    + new TreeMap<>(spec.configs(Optional.of(TopicSpec.MIN_INSYNC_REPLICAS))));
        }
        Map<String, String> shipped = new TreeMap<>();
        for (ObjectNode topic : Kustomize.render(TOPICS)) {
            assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotEmpty();
            Map<String, String> config = new TreeMap<>();
            topic.path("spec").path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            shipped.put(topic.path("spec").path("topicName").asText(), "partitions=" + topic.path("spec").path("partitions")
                    .asInt() + " replicas=" + topic.path("spec").path("replicas").asInt() + " config=" + config);
        }
        assertThat(shipped).isEqualTo(expected);
    }
}
