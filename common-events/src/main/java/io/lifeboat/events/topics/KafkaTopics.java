package io.lifeboat.events.topics;

import io.lifeboat.events.kafka.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way a service makes sure the topics it needs exist: those missing are created as the catalogue says
 * ({@link TopicSpec}), with this deployment's replication factor and {@code min.insync.replicas}; none is left to the
 * broker's auto-creation. A topic that exists is used as it is (on a managed cluster it is a {@code KafkaTopic}).
 * A missing topic this service may not create (no Create ACL) stops the start, naming the topic.
 */
public final class KafkaTopics {

    private static final Logger LOG = Logger.getLogger(KafkaTopics.class);
    private static final long WAIT_SECONDS = 30;

    /**
     * @param factor            copies of each created topic; empty: the broker's {@code default.replication.factor}
     * @param minInsyncReplicas set on each created topic; empty: the broker's default
     */
    public record Replicas(Optional<Short> factor, Optional<Integer> minInsyncReplicas) {
        public static final Replicas BROKER_DEFAULTS = new Replicas(Optional.empty(), Optional.empty());
    }

    private KafkaTopics() {
    }

    /**
     * Creates every one of {@code topics} that is missing.
     *
     * @param kafka every {@code kafka.*} setting of the service ({@link KafkaSettings#clients(Map)})
     * @return the names of the topics it created
     * @throws IllegalStateException naming each topic that is missing and could not be created, and why
     */
    public static List<String> ensure(Map<String, Object> kafka, String clientId, List<TopicSpec> topics, Replicas replicas) {
        Map<String, Object> props = new TreeMap<>(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), replicas.factor())
                            .configs(t.configs(replicas.minInsyncReplicas())))
                    .toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
            List<String> created = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                String topic = result.getKey();
                try {
                    result.getValue().get(WAIT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic);
                    LOG.infof("created topic %s", topic);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof TopicAuthorizationException || cause instanceof ClusterAuthorizationException) {
                        problems.add(topic + " is missing and this service may not create it (no Create ACL): create it"
                                + " first (deploy/k8s/base/kafka-topics) or grant Create on it");
                    } else if (!(cause instanceof TopicExistsException)) {
                        problems.add(topic + " is missing and could not be created: " + cause.getMessage());
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the Kafka topics (bootstrap " + kafka.get("bootstrap.servers")
                    + "): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot list the Kafka topics within " + WAIT_SECONDS + " s (bootstrap "
                    + kafka.get("bootstrap.servers") + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making sure the topics exist", e);
        }
    }
}
