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
        try (FailoverEpoch epoch = new FailoverEpoch(Map.of("bootstrap.servers", bootstrap), TOPIC, STATE_ID,
                "test-epoch-reader", Duration.ofSeconds(30))) {
            return epoch.current();
        }
    }

    /** Publishes a state at {@code epoch} unless the state already holds it or a newer one. */
    public static synchronized void raiseTo(String bootstrap, long epoch) {
        OptionalLong now = current(bootstrap);
        if (now.isPresent() && now.getAsLong() >= epoch) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
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
