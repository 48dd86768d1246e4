package io.lifeboat.events.epoch;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.kafka.EventRecords;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.SharedServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The held epoch as a receiving service reads it, from a real broker: committed states only, newest wins. */
class FailoverEpochTest {

    private final KafkaBroker kafka = SharedServers.kafka();

    @Test
    void readsTheNewestCommittedEpochAndNeverAnAbortedOne() {
        String topic = "lifeboat.failover.state.epoch-test";
        kafka.createTopic(topic, 1, true);
        try (FailoverEpoch epochs = new FailoverEpoch(Map.of("bootstrap.servers", kafka.bootstrapServers()), topic,
                "lifeboat", "epoch-test", Duration.ofSeconds(30));
             KafkaProducer<String, byte[]> leader = producer("epoch-test-leader")) {
            assertThat(epochs.current()).isEmpty();
            leader.initTransactions();
            write(leader, topic, "lifeboat", 3, true);
            write(leader, topic, "another-arrangement", 40, true);
            assertThat(epochs.current()).isEqualTo(OptionalLong.of(3));
            // A fenced or failing leader's write is aborted: a read_committed reader never sees it.
            write(leader, topic, "lifeboat", 1_000_000, false);
            assertThat(epochs.current()).isEqualTo(OptionalLong.of(3));
            write(leader, topic, "lifeboat", 4, true);
            assertThat(epochs.current()).isEqualTo(OptionalLong.of(4));
        }
    }

    @Test
    void aTopicThatDoesNotExistHoldsNoEpoch() {
        try (FailoverEpoch epochs = new FailoverEpoch(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                "lifeboat.failover.state.none-" + System.nanoTime(), FailoverStates.STATE_ID, "epoch-test-none",
                Duration.ofSeconds(5))) {
            assertThat(epochs.current()).isEmpty();
        }
    }

    private KafkaProducer<String, byte[]> producer(String transactionalId) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new ByteArraySerializer());
    }

    private static void write(KafkaProducer<String, byte[]> producer, String topic, String stateId, long epoch,
            boolean commit) {
        producer.beginTransaction();
        Instant now = Instant.now();
        producer.send(EventRecords.record(topic, EventTypes.FAILOVER_STATE, new FailoverState(stateId, "home",
                "offsite", epoch, FailoverPhase.NORMAL, null, null, 0, null, "test", "test", now), "/test", now));
        producer.flush();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }
}
