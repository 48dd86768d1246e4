package io.lifeboat.replication.source;

import io.lifeboat.events.retry.Backoff;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A link's change topic, {@code <cdc-topic-prefix>.<link>}: exactly one partition. Why one: a source transaction
 * may touch any tables, and the standby must see it whole and in commit order; one partition is one order, the
 * one Debezium read from the slot. A topic with more partitions is refused (it would reorder transactions).
 */
public final class ChangeTopic {

    /** How long a topic just created may stay unknown to the broker's metadata. */
    private static final Duration KNOWN_WITHIN = Duration.ofSeconds(30);

    private ChangeTopic() {
    }

    public static String name(String prefix, String linkId) {
        return prefix + "." + linkId;
    }

    /**
     * Creates the topic when missing.
     *
     * @return the topic's id (a new id means a new topic: what was read before is not in it)
     * @throws IllegalStateException when it exists with more than one partition
     */
    public static String ensure(Admin admin, String topic, short replicationFactor) {
        try {
            TopicDescription d = describe(admin, topic);
            if (d == null) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor)
                            .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                d = describedOnceKnown(admin, topic);
            }
            if (d.partitions().size() != 1) {
                throw new IllegalStateException("change topic " + topic + " has " + d.partitions().size()
                        + " partitions; it must have exactly one: a source transaction spans tables, and only one"
                        + " partition keeps the source's commit order across them. Recreate it with one partition");
            }
            return d.topicId().toString();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create or describe change topic " + topic + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /** @return the topic's id, or null when it does not exist */
    public static String idOf(Admin admin, String topic) throws Exception {
        TopicDescription d = describe(admin, topic);
        return d == null ? null : d.topicId().toString();
    }

    /**
     * The description of a topic just created. The broker answers a describe from its own metadata, which can be a
     * moment behind the controller that acknowledged the creation: "unknown topic" right after a creation is that
     * moment (seen in CI: the service failed to start on it), so the describe is tried again for a while.
     */
    private static TopicDescription describedOnceKnown(Admin admin, String topic) throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
        Instant deadline = Instant.now().plus(KNOWN_WITHIN);
        while (true) {
            TopicDescription d = describe(admin, topic);
            if (d != null) {
                return d;
            }
            if (Instant.now().isAfter(deadline) || !backoff.pause()) {
                throw new IllegalStateException("topic " + topic + " was created, but the broker did not know it"
                        + " within " + KNOWN_WITHIN.toSeconds() + " s");
            }
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }
}
