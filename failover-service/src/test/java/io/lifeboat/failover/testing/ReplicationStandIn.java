package io.lifeboat.failover.testing;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.Consistency;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.kafka.UnreadableEvent;
import io.lifeboat.events.kafka.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A stand-in for replication-service and filesync-service in failover-service's integration tests: a real Kafka
 * peer that speaks the contract through the real broker. It reads {@code lifeboat.commands} (read_committed, as
 * every consumer of commands must), refuses commands of an epoch older than the newest it has seen, answers each with
 * a {@code lifeboat.command.finished.v1} on {@code lifeboat.events}, and publishes a lag report for its database link
 * every 300 ms, flipping the link's direction on REVERSE as the real service does. It applies nothing to any
 * database: the real replication-service replaces it in the whole-chain end-to-end test.
 */
public final class ReplicationStandIn implements AutoCloseable {

    public static final String SOURCE = "/lifeboat/replication-service/offsite";

    private final String bootstrap;
    private final String link;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
    private volatile boolean running = true;
    private volatile String source;
    private volatile String target;
    private final AtomicLong lagMs = new AtomicLong(300);
    /** Consistent unless a test says otherwise: failover-service fails over on its own only then. */
    private volatile StandbyConsistency consistency = new StandbyConsistency(Consistency.CONSISTENT,
            "every table copied (1 of 1), none stopped, no gap", 1, 1);
    private final AtomicLong newestEpoch = new AtomicLong(0);
    public final List<CommandIssued> received = new CopyOnWriteArrayList<>();
    /** How to answer a command: an outcome, or null to stay silent (an unreachable site). */
    public volatile Function<CommandIssued, CommandOutcome> answer = c -> CommandOutcome.DONE;

    public ReplicationStandIn(String bootstrap, String link, String source, String target) {
        this.bootstrap = bootstrap;
        this.link = link;
        this.source = source;
        this.target = target;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "replication-stand-in");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public void lag(long ms) {
        lagMs.set(ms);
    }

    /** What the lag reports say of the standby from now on (null: nothing, as an older replication-service). */
    /** Long work the link reports as under way (a copy of tables), in every lag report from now on; null: none. */
    public volatile io.lifeboat.events.WorkProgress progress;

    public void consistency(StandbyConsistency verdict) {
        consistency = verdict;
    }

    public String direction() {
        return source + "->" + target;
    }

    public <T extends EventPayload> void publish(String topic, EventType<T> type, T payload) {
        try {
            producer.send(EventRecords.record(topic, type, payload, SOURCE, Instant.now())).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + type.name(), e);
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> commands = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "stand-in-" + UUID.randomUUID(), "auto.offset.reset", "latest",
                "isolation.level", "read_committed", "enable.auto.commit", "false"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            commands.subscribe(List.of("lifeboat.commands"));
            long nextLag = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : commands.poll(Duration.ofMillis(100))) {
                    try {
                        Event<?> event = reader.read(record.headers(), record.value());
                        if (event.type() == EventTypes.COMMAND_ISSUED) {
                            handle((CommandIssued) event.payload());
                        }
                    } catch (UnreadableEvent ignored) {
                        // not for us
                    }
                }
                if (System.currentTimeMillis() >= nextLag) {
                    publish("lifeboat.replication.lag", EventTypes.REPLICATION_LAG, new ReplicationLag(link,
                            LinkKind.DATABASE, source, target, lagMs.get(), 0, null, null, null, null,
                            LinkState.STREAMING, Instant.now(), consistency, null, progress));
                    nextLag = System.currentTimeMillis() + 300;
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
            // closing
        }
    }

    private void handle(CommandIssued command) {
        received.add(command);
        if (command.epoch() < newestEpoch.get()) {
            finish(command, CommandOutcome.REFUSED, "epoch " + command.epoch() + " is older than " + newestEpoch.get());
            return;
        }
        newestEpoch.set(command.epoch());
        CommandOutcome outcome = answer.apply(command);
        if (outcome == null) {
            return;
        }
        if (outcome == CommandOutcome.DONE && command.command() == CommandName.REVERSE) {
            String parameterSource = command.parameters().source();
            if (parameterSource != null && !parameterSource.equals(source)) {
                String old = source;
                source = target;
                target = old;
            }
        }
        finish(command, outcome, command.command() + " " + command.target() + " " + outcome.name().toLowerCase());
    }

    private void finish(CommandIssued command, CommandOutcome outcome, String reason) {
        boolean unplanned = command.parameters().sourceLostAt() != null;
        io.lifeboat.events.PromotionResult promoted = command.command() == CommandName.PROMOTE
                && outcome == CommandOutcome.DONE ? new io.lifeboat.events.PromotionResult(command.target(), !unplanned,
                        "0/1A2B3C4", null, unplanned ? 250L : 0L, null, 0, false) : null;
        publish("lifeboat.events", EventTypes.COMMAND_FINISHED, new CommandFinished(command.commandId(),
                command.command(), command.epoch(), command.target(), outcome, reason, "stand-in", Map.of(),
                Instant.now(), promoted));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
