package io.lifeboat.events.kafka;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import io.lifeboat.events.Topic;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event the broker will never take (larger than its topic allows) is dropped with an ERROR line, and the outbox
 * goes on with the events behind it; before, it was retried for ever and nothing behind it was published again.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
class EventOutboxTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    EventOutbox outbox;

    @Inject
    TopicNames topics;

    @Test
    void anEventTheBrokerWillNeverTakeIsDroppedAndTheEventsBehindItArePublished() throws Exception {
        String topic = topics.of(Topic.EVENTS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // Above the producer's batch.size (16 KiB): below it, Kafka 4.1's producer splits a batch holding the
            // large event and others for ever and its network thread dies of a StackOverflowError (KAFKA-8350).
            alter(admin, resource, new AlterConfigOp(new ConfigEntry("max.message.bytes", "20000"),
                    AlterConfigOp.OpType.SET));
            try (TopicReader reader = new TopicReader(bootstrap, topic)) {
                String tooLarge = UUID.randomUUID().toString();
                String behind = UUID.randomUUID().toString();
                outbox.publish(EventTypes.SERVICE_STARTED, started(tooLarge, "v".repeat(30_000)));
                outbox.publish(EventTypes.SERVICE_STARTED, started(behind, "1.0"));
                awaitStarted(reader, behind);
                // One more after those: with the old retry the outbox's thread was still on the first batch.
                String later = UUID.randomUUID().toString();
                outbox.publish(EventTypes.SERVICE_STARTED, started(later, "1.0"));
                awaitStarted(reader, later);
                assertThat(reader.seen()).as("the event larger than the topic allows")
                        .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(tooLarge));
            } finally {
                alter(admin, resource, new AlterConfigOp(new ConfigEntry("max.message.bytes", ""),
                        AlterConfigOp.OpType.DELETE));
            }
        }
    }

    private static ServiceStarted started(String instanceId, String version) {
        return new ServiceStarted("outbox-test", "home", instanceId, version, "abc", Instant.now());
    }

    private static void awaitStarted(TopicReader reader, String instanceId) {
        reader.awaitEvent(e -> e.payload() instanceof ServiceStarted s && s.instanceId().equals(instanceId),
                Duration.ofSeconds(60));
    }

    private static void alter(Admin admin, ConfigResource resource, AlterConfigOp op) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
    }
}
