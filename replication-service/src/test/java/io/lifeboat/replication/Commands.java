package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.events.testing.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Publishes commands as CloudEvents (binary mode) the way failover-service does, and waits for outcomes. */
public record Commands(Map<String, String> kafka, String target) {

    /** On a plaintext broker. */
    public Commands(String bootstrap, String target) {
        this(Map.of("bootstrap.servers", bootstrap), target);
    }

    CommandFinished run(CommandName name, long epoch, CommandParameters parameters) throws Exception {
        return run(name, epoch, parameters, Duration.ofSeconds(120));
    }

    CommandFinished run(CommandName name, long epoch, CommandParameters parameters, Duration within)
            throws Exception {
        FailoverStates.raiseTo(kafka, epoch); // failover-service's leader holds the epoch before it commands
        try (Session session = new Session(epoch)) {
            return session.run(name, parameters, within);
        }
    }

    /**
     * Clients kept open for commands sent one after another at one epoch, as failover-service's run sends its steps:
     * what a benchmark times is then the service's work, not the test's clients starting (about 1.4 s a command).
     */
    Session session(long epoch) {
        FailoverStates.raiseTo(kafka, epoch);
        return new Session(epoch);
    }

    final class Session implements AutoCloseable {
        private final long epoch;
        private final TopicReader events = new TopicReader(kafka, "lifeboat.events");
        private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>copyOf(kafka),
                new StringSerializer(), new ByteArraySerializer());

        private Session(long epoch) {
            this.epoch = epoch;
        }

        CommandFinished run(CommandName name, CommandParameters parameters, Duration within) throws Exception {
            String id = UUID.randomUUID().toString();
            CommandIssued command = new CommandIssued(id, name, epoch, target, "test", "test of " + name,
                    parameters, Instant.now());
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("lifeboat.commands", target,
                    EventJson.mapper().writeValueAsBytes(command));
            record.headers().add(CloudEventHeaders.SPEC_VERSION, bytes("1.0"))
                    .add(CloudEventHeaders.ID, bytes(id))
                    .add(CloudEventHeaders.TYPE, bytes(EventTypes.COMMAND_ISSUED.name()))
                    .add(CloudEventHeaders.SOURCE, bytes("/test/offsite"))
                    .add(CloudEventHeaders.TIME, bytes(Instant.now().toString()))
                    .add(CloudEventHeaders.CONTENT_TYPE, bytes("application/json"));
            producer.send(record).get();
            return (CommandFinished) events.awaitEvent(e -> e.type() == EventTypes.COMMAND_FINISHED
                    && ((CommandFinished) e.payload()).commandId().equals(id), within).payload();
        }

        @Override
        public void close() {
            events.close();
            producer.close();
        }
    }

    /** A harmless RESUME of a running link (refused: not PAUSED), repeated until one is answered. */
    void probe(long epoch) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                assertThat(run(CommandName.RESUME, epoch, CommandParameters.none(), Duration.ofSeconds(5)).outcome())
                        .isEqualTo(CommandOutcome.REFUSED));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
