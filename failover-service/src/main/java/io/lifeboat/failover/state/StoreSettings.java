package io.lifeboat.failover.state;

import io.lifeboat.events.Topic;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * What a {@link StateStore} needs.
 *
 * @param kafka           the service's Kafka client settings ({@code KafkaSettings.clients}: bootstrap servers,
 *                        security, SASL, TLS), which every client of the store starts from
 * @param transactionalId shared by every instance of one DR arrangement: the newest producer fences the older
 * @param groupId         the group whose owner of the state topic's one partition leads
 * @param source          CloudEvents source of what the leader writes
 * @param topics          the configured name of each topic
 * @param apiUrl          where the other instances reach this one's API, announced when it takes the lead; null:
 *                        not announced (a store without an API, in tests)
 */
public record StoreSettings(Map<String, Object> kafka, String stateId, String transactionalId, String groupId,
        String instanceId, String source, Duration sessionTimeout, Function<Topic, String> topics, String apiUrl) {

    public StoreSettings {
        kafka = Map.copyOf(kafka);
    }

    public StoreSettings(Map<String, Object> kafka, String stateId, String transactionalId, String groupId,
            String instanceId, String source, Duration sessionTimeout, Function<Topic, String> topics) {
        this(kafka, stateId, transactionalId, groupId, instanceId, source, sessionTimeout, topics, null);
    }

    public String stateTopic() {
        return topics.apply(Topic.FAILOVER_STATE);
    }
}
