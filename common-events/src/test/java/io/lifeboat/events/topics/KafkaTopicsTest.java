package io.lifeboat.events.topics;

import io.lifeboat.events.Topic;
import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A service's topics come from the catalogue, never from the broker's auto-creation, and a refusal names the topic. */
class KafkaTopicsTest {

    @TempDir
    Path workDir;

    @Test
    void createsWhatIsMissingAsTheCatalogueSaysAndLeavesWhatExists() throws Exception {
        try (KafkaBroker broker = new KafkaBroker(workDir.resolve("kafka"), KafkaBroker.DEFAULT_JVM_OPTIONS,
                KafkaBroker.NO_AUTO_CREATION).start()) {
            broker.createTopic("lifeboat.outages", 2, false);
            Map<String, Object> kafka = new HashMap<>(broker.clientSettings("ignored"));
            List<TopicSpec> specs = List.of(TopicCatalogue.of(Topic.EVENTS), TopicCatalogue.of(Topic.FAILOVER_STATE),
                    TopicCatalogue.of(Topic.OUTAGES));
            KafkaTopics.Replicas one = new KafkaTopics.Replicas(Optional.of((short) 1), Optional.of(1));

            assertThat(KafkaTopics.ensure(kafka, "test", specs, one))
                    .containsExactlyInAnyOrder("lifeboat.events", "lifeboat.failover.state");
            assertThat(KafkaTopics.ensure(kafka, "test", specs, one)).isEmpty();

            try (Admin admin = broker.admin()) {
                Config events = config(admin, "lifeboat.events");
                assertThat(events.get("cleanup.policy").value()).isEqualTo("delete");
                assertThat(events.get("retention.ms").value()).isEqualTo(Long.toString(90L * 24 * 3600 * 1000));
                assertThat(events.get("min.insync.replicas").value()).isEqualTo("1");
                assertThat(config(admin, "lifeboat.failover.state").get("cleanup.policy").value()).isEqualTo("compact");
                // Found, not made again: the existing topic keeps the two partitions it was created with.
                assertThat(admin.describeTopics(List.of("lifeboat.outages")).allTopicNames().get()
                        .get("lifeboat.outages").partitions()).hasSize(2);
                assertThat(admin.describeTopics(List.of("lifeboat.failover.state")).allTopicNames().get()
                        .get("lifeboat.failover.state").partitions()).hasSize(1);
            }
        }
    }

    @Test
    void aTopicItMayNotCreateStopsTheStartNamingIt() {
        try (KafkaBroker broker = KafkaBroker.secured(workDir.resolve("secured")).start()) {
            broker.createTopic("lifeboat.heartbeats", 1, false);
            // heartbeat-service's shipped ACLs: Describe, Read and Write on the contract's topics it uses, no Create.
            Map<String, Object> kafka = new HashMap<>(broker.addUser("heartbeat-service", KafkaAcls.shipped("heartbeat-service")));
            KafkaTopics.Replicas defaults = KafkaTopics.Replicas.BROKER_DEFAULTS;

            assertThat(KafkaTopics.ensure(kafka, "test", List.of(TopicCatalogue.of(Topic.HEARTBEATS)), defaults)).isEmpty();
            assertThatThrownBy(() -> KafkaTopics.ensure(kafka, "test",
                    List.of(TopicCatalogue.of(Topic.HEARTBEATS), TopicCatalogue.of(Topic.OUTAGES)), defaults))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lifeboat.outages is missing and this service may not create it")
                    .hasMessageNotContaining("lifeboat.heartbeats");
        }
    }

    private static Config config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
    }
}
