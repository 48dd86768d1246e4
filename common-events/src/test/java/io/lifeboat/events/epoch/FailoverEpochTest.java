package io.lifeboat.events.epoch;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.kafka.EventRecords;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.SharedServers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
            long last = write(leader, topic, "another-arrangement", 40, true);
            // commitTransaction returns before the commit's marker is in the partition: a reader sees the records
            // once the last stable offset has passed them, so the checks wait for that, not for a time.
            awaitStablePast(topic, last);
            assertThat(epochs.current()).isEqualTo(OptionalLong.of(3));
            // A fenced or failing leader's write is aborted: a read_committed reader never sees it, even once a
            // committed record after it is readable.
            write(leader, topic, "lifeboat", 1_000_000, false);
            last = write(leader, topic, "another-arrangement", 41, true);
            awaitStablePast(topic, last);
            assertThat(epochs.current()).isEqualTo(OptionalLong.of(3));
            last = write(leader, topic, "lifeboat", 4, true);
            awaitStablePast(topic, last);
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

    /** @return the record's offset */
    private static long write(KafkaProducer<String, byte[]> producer, String topic, String stateId, long epoch,
            boolean commit) {
        producer.beginTransaction();
        Instant now = Instant.now();
        Future<RecordMetadata> sent = producer.send(EventRecords.record(topic, EventTypes.FAILOVER_STATE,
                new FailoverState(stateId, "home", "offsite", epoch, FailoverPhase.NORMAL, null, null, 0, null, "test",
                        "test", now), "/test", now));
        producer.flush();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
        try {
            return sent.get().offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until a read_committed reader's end (the last stable offset) is past the record at {@code offset}. */
    private void awaitStablePast(String topic, long offset) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> reader.endOffsets(List.of(partition)).get(partition) > offset);
        }
    }
}
