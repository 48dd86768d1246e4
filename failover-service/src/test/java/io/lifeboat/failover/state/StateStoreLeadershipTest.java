package io.lifeboat.failover.state;

import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.Topic;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.json.EventSchemas;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two (and three) state stores in one JVM against the real broker, each with its own Kafka clients, as two
 * failover-service instances would be: exactly one leads; a leader that stops polling (as a paused process does)
 * loses the group, the other takes over and fences it, and the paused one's next write, state and command alike,
 * fails and reaches nobody.
 */
class StateStoreLeadershipTest {

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String bootstrap = SharedServers.kafka().bootstrapServers();
    private final List<StateStore> stores = new ArrayList<>();
    private final List<String> changes = new CopyOnWriteArrayList<>();

    private StateStore store(String instance) {
        StoreSettings settings = new StoreSettings(Map.of("bootstrap.servers", bootstrap), "lifeboat", "failover-tx-" + suffix,
                "failover-leader-" + suffix, instance, "/lifeboat/failover-service/home", Duration.ofSeconds(6),
                topic -> topic.defaultName() + "-" + suffix);
        StateStore store = new StateStore(settings, (leader, why) -> changes.add(instance + ":" + leader)).start();
        stores.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        stores.forEach(StateStore::close);
    }

    private static DrState state(String active, long epoch) {
        return DrState.initial("lifeboat", active, active.equals("home") ? "offsite" : "home", "test", Instant.now())
                .withEpoch(epoch, Instant.now());
    }

    private static CommandIssued fence(String id, long epoch) {
        return new CommandIssued(id, CommandName.FENCE, epoch, "home", "test", "test", CommandParameters.none(), Instant.now());
    }

    private long leaders() {
        return stores.stream().filter(StateStore::isLeader).count();
    }

    @Test
    void exactlyOneActsAndAFencedFormerLeaderCannotWriteStateOrSendCommands() {
        StateStore a = store("instance-a");
        StateStore b = store("instance-b");
        await().atMost(Duration.ofSeconds(40)).until(() -> leaders() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> leaders() == 1);
        StateStore first = a.isLeader() ? a : b;
        StateStore second = first == a ? b : a;
        assertThatThrownBy(() -> second.write(state("home", 1), List.of())).isInstanceOf(NotLeader.class);

        first.write(state("home", 1), List.of(new Outgoing<>(EventTypes.COMMAND_ISSUED, fence("before-" + suffix, 1))));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.current().map(DrState::epoch).orElse(0L) == 1L);

        // The leader is paused: it no longer polls, but believes it leads.
        first.suspendPolling(true);
        await().atMost(Duration.ofSeconds(40)).until(second::isLeader);
        assertThat(first.isLeader()).as("a paused leader has not noticed anything yet").isTrue();

        assertThatThrownBy(() -> first.write(state("offsite", 99), List.of(
                new Outgoing<>(EventTypes.COMMAND_ISSUED, fence("zombie-" + suffix, 99)))))
                .isInstanceOf(NotLeader.class).hasMessageContaining("fenced");
        assertThat(first.isLeader()).isFalse();

        DrState written = second.write(state("offsite", 2), List.of(
                new Outgoing<>(EventTypes.COMMAND_ISSUED, fence("after-" + suffix, 2))));
        assertThat(written.leader()).isEqualTo(second == a ? "instance-a" : "instance-b");
        first.suspendPolling(false);

        // What a read_committed consumer (replication-service) sees: the commands of real leaders only.
        List<String> ids = new ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                "bootstrap.servers", bootstrap, "group.id", "reader-" + suffix, "auto.offset.reset", "earliest",
                "isolation.level", "read_committed"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of("lifeboat.commands-" + suffix));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(readCommand(r.value()).commandId()));
                return ids.contains("after-" + suffix);
            });
        }
        assertThat(ids).containsExactly("before-" + suffix, "after-" + suffix);
        // And the state topic holds no trace of the fenced write; a newcomer reads epoch 2.
        StateStore c = store("instance-c");
        await().atMost(Duration.ofSeconds(20)).until(() -> c.current().map(DrState::epoch).orElse(0L) == 2L);
        assertThat(c.current().orElseThrow().activeSite()).isEqualTo("offsite");
        assertThat(leaders()).isEqualTo(1);
    }

    @Test
    void aRestartedInstanceResumesFromTheTopicInTheMiddleOfARunbook() throws Exception {
        StateStore a = store("instance-a");
        await().atMost(Duration.ofSeconds(40)).until(a::isLeader);
        Run run = Run.begin("failover-2-abc", RunStart.failover("home", "offsite", Instant.now(), "test", "test"), 2,
                Instant.now(), List.of(StepProgress.pending(1, StepKind.RECORD),
                StepProgress.pending(2, StepKind.FENCE_LOST), StepProgress.pending(3, StepKind.DRAIN)
                        .attempt(Instant.now(), Map.of("DRAIN home-to-offsite-db", "failover-2-abc/3/1/drain/x"), null)))
                .withCurrentStep(3);
        DrState midway = state("home", 2).withRun(run).withPhase(FailoverPhase.FAILING_OVER, "failing over");
        DrState written = a.write(midway, List.of());
        a.close();
        stores.remove(a);

        StateStore restarted = store("instance-a");
        await().atMost(Duration.ofSeconds(40)).until(restarted::isLeader);
        DrState resumed = restarted.current().orElseThrow();
        assertThat(resumed).isEqualTo(written);
        assertThat(resumed.run().current().commands()).containsValue("failover-2-abc/3/1/drain/x");
        assertThat(resumed.currentStep()).isEqualTo(3);
        assertThat(resumed.stepName()).isEqualTo("drain");
    }

    @Test
    void theStoredStateConformsToTheContract() throws Exception {
        DrState s = state("home", 1);
        var json = EventJson.mapper().valueToTree(s);
        assertThat(EventSchemas.problems(EventTypes.FAILOVER_STATE, json)).isEmpty();
        FailoverState asContract = EventJson.mapper().treeToValue(json, FailoverState.class);
        assertThat(asContract).isEqualTo(s.toEvent());
        assertThat(Topic.FAILOVER_STATE.defaultName()).isEqualTo("lifeboat.failover.state");
    }

    private static CommandIssued readCommand(byte[] value) {
        try {
            return EventJson.mapper().readValue(value, CommandIssued.class);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
