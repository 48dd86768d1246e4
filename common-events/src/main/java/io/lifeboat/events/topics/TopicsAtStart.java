package io.lifeboat.events.topics;

import io.lifeboat.events.Topic;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.events.service.LifeboatConfig;
import io.lifeboat.events.kafka.TopicNames;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.enterprise.inject.Instance;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * At start, creates the contract's topics this service uses ({@code lifeboat.topics.used}) when they are missing, so
 * that no service depends on the broker's auto-creation. It runs right after the service's own {@code @Startup} beans
 * (which check the configuration): a bad configuration stops the start naming its key at once, before any wait for
 * the broker.
 */
@ApplicationScoped
public class TopicsAtStart {

    void onStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 1) StartupEvent start, LifeboatConfig config,
            TopicNames names,
            @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafka) {
        List<String> used = config.topics().used().orElse(List.of());
        if (used.isEmpty()) {
            return;
        }
        List<TopicSpec> specs = used.stream().map(String::trim).map(property -> {
            Topic topic = Arrays.stream(Topic.values()).filter(t -> t.property().equals(property)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("lifeboat.topics.used: '" + property
                            + "' is not a topic of the contract; they are "
                            + Arrays.stream(Topic.values()).map(Topic::property).toList()));
            return TopicCatalogue.of(topic).named(names.of(topic));
        }).toList();
        KafkaTopics.ensure(KafkaSettings.clients(kafka.get()), "lifeboat-topics-" + config.site(), specs,
                replicas(config));
    }

    /** This deployment's replication factor and min.insync.replicas for the topics its services create. */
    public static KafkaTopics.Replicas replicas(LifeboatConfig config) {
        return new KafkaTopics.Replicas(config.topics().replicationFactor(), config.topics().minInsyncReplicas());
    }
}
