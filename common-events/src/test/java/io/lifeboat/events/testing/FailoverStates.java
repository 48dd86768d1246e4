package io.lifeboat.events.testing;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.epoch.FailoverEpoch;
import io.lifeboat.events.kafka.EventRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Stands in for failover-service's leader in tests that issue commands themselves: the epoch of a command must be
 * the one the DR state on {@code lifeboat.failover.state} holds, so a test first raises that state's epoch, in a
 * transaction, as the leader does. Epochs only grow: a lower one leaves the state as it is.
 */
public final class FailoverStates {

    public static final String TOPIC = "lifeboat.failover.state";
    public static final String STATE_ID = "lifeboat";

    private FailoverStates() {
    }

    /** The epoch the state holds now, empty before any. */
    public static OptionalLong current(String bootstrap) {
        return current(Map.of("bootstrap.servers", bootstrap));
    }

    /** @param kafka how to reach the broker: bootstrap servers and, on a secured one, an admin's credentials */
    public static OptionalLong current(Map<String, ?> kafka) {
        try (FailoverEpoch epoch = new FailoverEpoch(new HashMap<>(kafka), TOPIC, STATE_ID, "test-epoch-reader",
                Duration.ofSeconds(30))) {
            return epoch.current();
        }
    }

    public static void raiseTo(String bootstrap, long epoch) {
        raiseTo(Map.of("bootstrap.servers", bootstrap), epoch);
    }

    /** Publishes a state at {@code epoch} unless the state already holds it or a newer one. */
    public static synchronized void raiseTo(Map<String, ?> kafka, long epoch) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(new HashMap<>(kafka))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create " + TOPIC, e.getCause());
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create " + TOPIC, e);
        }
        OptionalLong now = current(kafka);
        if (now.isPresent() && now.getAsLong() >= epoch) {
            return;
        }
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-failover-leader");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            Instant at = Instant.now();
            producer.send(EventRecords.record(TOPIC, EventTypes.FAILOVER_STATE, new FailoverState(STATE_ID, "home",
                    "offsite", epoch, FailoverPhase.NORMAL, null, null, 0, null, "test: epoch " + epoch,
                    "test-leader", at), "/lifeboat/test/offsite", at));
            producer.commitTransaction();
        }
    }
}
