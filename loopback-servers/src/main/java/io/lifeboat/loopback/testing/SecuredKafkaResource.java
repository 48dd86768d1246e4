package io.lifeboat.loopback.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared {@link SharedServers#securedKafka() secured broker} for a {@code @QuarkusTest}, the service acting as its
 * own user with exactly the ACLs of its shipped Strimzi KafkaUser ({@link KafkaAcls#shipped}).
 *
 * <p>Init args: {@code user} (required, e.g. {@code heartbeat-service}); {@code topics}, comma-separated, created
 * before the service starts as the platform's KafkaTopic resources would be (default: the contract's topics; no
 * service may create them, and the broker's auto-creation needs a Create right none has).
 *
 * <p>Returns only {@code kafka.*} keys (what a deployment sets: bootstrap servers, {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, the truststore), plus the connector's bootstrap servers as
 * {@link KafkaResource} does.
 */
public class SecuredKafkaResource implements QuarkusTestResourceLifecycleManager {

    /** The topics of the event contract, by their default names. */
    public static final List<String> CONTRACT_TOPICS = List.of("lifeboat.heartbeats", "lifeboat.outages",
            "lifeboat.alerts", "lifeboat.replication.lag", "lifeboat.files", "lifeboat.commands", "lifeboat.events",
            "lifeboat.dlq");

    private String user;
    private List<String> topics = CONTRACT_TOPICS;

    @Override
    public void init(Map<String, String> initArgs) {
        user = initArgs.get("user");
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("SecuredKafkaResource needs the init arg 'user' (the service's user)");
        }
        if (initArgs.containsKey("topics")) {
            topics = List.of(initArgs.get("topics").split(","));
        }
    }

    /** The broker, for tests that build clients of their own (as the admin user, or as the service's user). */
    public static KafkaBroker broker() {
        return SharedServers.securedKafka();
    }

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = broker();
        for (String topic : topics) {
            if (!topic.isBlank()) {
                broker.createTopic(topic.trim(), 1, false);
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        broker.addUser(user, KafkaAcls.shipped(user)).forEach((key, value) -> config.put("kafka." + key, value));
        config.put("mp.messaging.connector.smallrye-kafka.bootstrap.servers", broker.bootstrapServers());
        return config;
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM: stopped when the JVM exits.
    }
}
