package io.lifeboat.sandbox;

import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.TwoSiteWorld;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's broker as a platform team runs one (secured: SASL_SSL, SCRAM-SHA-512, ACLs enforced, no topic made
 * on first use): the shared topics made before the services start, each service its own user with exactly the ACLs
 * of its shipped KafkaUser ({@code deploy/k8s/base/kafka-users/}), each store a user that may only write its
 * notifications.
 */
final class SandboxKafka {

    /**
     * The contract's topics that no service creates (failover-service creates its state topic itself): the README's
     * production checklist. Written out here, as the sandbox's classpath has no Quarkus test classes
     * (SecuredKafkaResource lists the same for the tests).
     */
    private static final List<String> SHARED_TOPICS = List.of("lifeboat.heartbeats", "lifeboat.outages",
            "lifeboat.alerts", "lifeboat.replication.lag", "lifeboat.files", "lifeboat.commands", "lifeboat.events",
            "lifeboat.dlq");

    private final KafkaBroker kafka;
    private final Map<String, Map<String, String>> users = new ConcurrentHashMap<>();

    SandboxKafka(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    /** The topics no service creates (as the README's production checklist asks of a real cluster). */
    void createSharedTopics() {
        for (String topic : SHARED_TOPICS) {
            kafka.createTopic(topic, 1, false);
        }
        for (String site : TwoSiteWorld.SITES) {
            kafka.createTopic(Sandbox.notificationTopic(site), 1, false);
        }
        // Compacted, as its KafkaTopic (deploy/k8s/base/kafka-topics): home's warden renews its lease there.
        kafka.createTopic("lifeboat.site-leases", 1, true);
    }

    /** The client settings of the site's object store: Write on its notification topic, nothing else. */
    Map<String, String> storeUser(String site) {
        String user = "object-store-" + site;
        ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, Sandbox.notificationTopic(site),
                PatternType.LITERAL);
        return kafka.addUser(user, List.of(
                new AclBinding(topic, new AccessControlEntry("User:" + user, "*", AclOperation.WRITE,
                        AclPermissionType.ALLOW)),
                new AclBinding(topic, new AccessControlEntry("User:" + user, "*", AclOperation.DESCRIBE,
                        AclPermissionType.ALLOW))));
    }

    /**
     * A service's {@code KAFKA_*} environment, as its pod gets it from its Secret and the cluster CA: user
     * {@code module} (both heartbeat observers share heartbeat-service's user, as their pods do).
     */
    Map<String, String> serviceEnvironment(String module) {
        Map<String, String> settings = users.computeIfAbsent(module,
                m -> kafka.addUser(m, KafkaAcls.shipped(m)));
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((key, value) -> env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }
}
