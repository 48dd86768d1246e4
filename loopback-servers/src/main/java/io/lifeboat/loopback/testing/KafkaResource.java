package io.lifeboat.loopback.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared Kafka broker for {@code @QuarkusTest}s. Returns {@code kafka.bootstrap.servers} (which also keeps Quarkus
 * Dev Services from starting a broker of its own) and
 * {@code mp.messaging.connector.smallrye-kafka.bootstrap.servers}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        return Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM: stopped when the JVM exits.
    }
}
