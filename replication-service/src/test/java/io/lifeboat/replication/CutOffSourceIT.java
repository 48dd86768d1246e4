package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.NetworkCut;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.OnFailure;
import io.lifeboat.loopback.testing.SharedServers;
import io.lifeboat.loopback.testing.WorkDir;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An unplanned PROMOTE while the source is cut off for real: nftables drops every packet the service sends to home's
 * PostgreSQL while its capture streams and a writer commits at home. Debezium's task stop then waits behind a query on
 * the dead socket (40 s, once seen in the sandbox's split-brain drill); the drain no longer waits it out: it seals the
 * capture, says so, and promotes. When the cut heals, the engine left behind can read again, and nothing it reads
 * reaches Kafka or the promoted database: the topic's end and the promoted rows are what they were at the promotion.
 */
class CutOffSourceIT {

    @RegisterExtension
    static final OnFailure ON_FAILURE = LinkEnvironment.onFailure(() -> CutOffSourceIT.service, "cutoff");

    private static final String DATABASE = "portal_cutoff";
    private static Path workDir;
    private static PostgresServer home;
    private static PostgresServer offsite;
    private static ServiceProcess service;
    private static NetworkCut cut;

    @BeforeAll
    static void servers() throws Exception {
        assertThat(NetworkCut.unavailableBecause()).as("a real network cut (root, nft, cgroup v2)").isNull();
        workDir = WorkDir.create("cutoff-it-");
        home = SharedServers.postgres("home");
        offsite = SharedServers.postgres("offsite");
        DemoSchema.createAtBoth(home, offsite, DATABASE, 200);
        cut = new NetworkCut("cutoff");
        service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), LinkEnvironment.of("cutoff", SharedServers.kafka().bootstrapServers(), home,
                DATABASE, offsite, DATABASE, "demo"), List.of("-Xmx256m"), workDir);
        service.start();
        // Into the cut's cgroup before it connects anywhere: the rule then matches its sockets and no one else's.
        cut.adopt(service.pid().orElseThrow());
        service.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopAll() {
        if (service != null) {
            service.stop();
        }
        if (cut != null) {
            cut.close();
        }
        WorkDir.remove(workDir);
    }

    @Test
    void aDrainOfACutOffSourceSealsTheCaptureInsteadOfWaitingForItAndNothingItReadsLaterArrives() throws Exception {
        Set<Long> committedAtHome = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(committedAtHome, writing), "home-writer");
        writer.start();
        try {
            // Streaming, and the writer's rows arriving: the capture is mid-stream when the cut comes.
            await().atMost(Duration.ofSeconds(90)).until(() -> committedAtHome.size() >= 50
                    && offsiteIds().size() >= 20);

            cut.dropFromAdoptedTo(home.host(), home.port());
            int committedAtCut = committedAtHome.size();
            String kafka = SharedServers.kafka().bootstrapServers();
            long epoch = io.lifeboat.events.testing.FailoverStates.current(kafka).orElse(0) + 1;
            CommandFinished promoted = new Commands(kafka, "cutoff").run(CommandName.PROMOTE, epoch,
                    CommandParameters.promote(null, Instant.now()), Duration.ofMinutes(3));

            assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
            assertThat(promoted.details().get("source")).as("the drain's account of the source")
                    .contains("source unreachable")
                    .contains("did not stop within 5 s (waiting on the source) and was sealed");
            Set<Long> promotedRows = offsiteIds();
            long topicEnd = topicEnd();
            await().atMost(Duration.ofSeconds(30)).until(() -> committedAtHome.size() > committedAtCut + 20);

            // The cut heals: the engine left behind reads home's slot again, where the writer's rows since wait.
            long endedBefore = capturesEnded();
            cut.heal();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> capturesEnded() > endedBefore);
            assertThat(topicEnd()).as("nothing reached Kafka after the drain").isEqualTo(topicEnd);
            assertThat(offsiteIds()).as("the promoted database holds what it held at the promotion")
                    .isEqualTo(promotedRows);
            assertThat(committedAtHome).as("home committed rows after the promotion, none of which arrived")
                    .hasSizeGreaterThan(committedAtCut + 20);
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    /** Rows at home, ten a second, each id recorded once its commit returned (autocommit). */
    private static void write(Set<Long> committed, AtomicBoolean writing) {
        long id = 1_000_000;
        try (Connection h = home.connect(DATABASE); Statement s = h.createStatement()) {
            while (writing.get()) {
                s.execute("INSERT INTO demo.arrays (id, serial_no, capacity_gb, ints, nums, installed) VALUES (" + id
                        + ", 'SN-cut-" + id + "', 1, ARRAY[1], ARRAY[1.5], now())");
                committed.add(id++);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // the application's pace, a load
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Long> offsiteIds() throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection o = offsite.connect(DATABASE); Statement s = o.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM demo.arrays WHERE id >= 1000000")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    /** How many captures the link had stopped have ended since the service started, by its log. */
    private static long capturesEnded() throws java.io.IOException {
        try (var lines = java.nio.file.Files.lines(service.log())) {
            return lines.filter(line -> line.contains("a capture stopped earlier has ended")).count();
        }
    }

    private static long topicEnd() {
        TopicPartition partition = new TopicPartition("lifeboat.cdc.cutoff", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                SharedServers.kafka().bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }
}
