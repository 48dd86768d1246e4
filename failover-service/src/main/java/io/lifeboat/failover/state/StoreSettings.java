package io.lifeboat.failover.state;

import io.lifeboat.events.Topic;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * What a {@link StateStore} needs.
 *
 * @param transactionalId shared by every instance of one DR arrangement: the newest producer fences the older
 * @param groupId         the group whose owner of the state topic's one partition leads
 * @param source          CloudEvents source of what the leader writes
 * @param topics          the configured name of each topic
 * @param clientOverrides extra Kafka client properties (security, ...), applied to every client
 */
public record StoreSettings(String bootstrapServers, String stateId, String transactionalId, String groupId,
        String instanceId, String source, Duration sessionTimeout, Function<Topic, String> topics,
        Map<String, Object> clientOverrides) {

    public String stateTopic() {
        return topics.apply(Topic.FAILOVER_STATE);
    }
}
