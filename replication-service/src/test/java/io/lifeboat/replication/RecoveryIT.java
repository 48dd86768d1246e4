package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.loopback.testing.OnFailure;
import io.lifeboat.loopback.testing.WorkDir;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.StartTogether;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service as its own JVM, configured only through environment variables (link id {@code main}), under
 * continuous writes at home: SIGKILLed mid-stream, the broker restarted, the target database stopped for 30 s
 * ({@code -Dlifeboat.it.target-down-seconds}). Afterwards both databases compare equal by checksum: nothing lost,
 * nothing duplicated.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryIT {

    @RegisterExtension
    static final OnFailure ON_FAILURE = LinkEnvironment.onFailure(() -> RecoveryIT.service, "main");

    private static final String DATABASE = "portal_recovery";
    private static Path workDir;
    private static KafkaBroker kafka;
    private static PostgresServer offsite;
    private static ServiceProcess service;

    @BeforeAll
    static void servers() throws Exception {
        workDir = WorkDir.create("recovery-it-");
        // Both of these are taken down by this test, so they are its own, not the shared ones.
        kafka = new KafkaBroker(workDir.resolve("kafka"));
        offsite = new PostgresServer("offsite", workDir.resolve("offsite"));
        StartTogether.run(Map.of("kafka", kafka::start, "offsite", offsite::start));
        PostgresServer home = SharedServers.postgres("home");
        DemoSchema.createAtBoth(home, offsite, DATABASE, 500);
        Map<String, String> env = LinkEnvironment.of("main", kafka.bootstrapServers(), home, DATABASE, offsite,
                DATABASE, "demo");
        service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, List.of("-Xmx256m"), workDir);
        service.start();
        service.awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopAll() {
        if (service != null) {
            service.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (offsite != null) {
            offsite.close();
        }
        WorkDir.remove(workDir);
    }

    private static Connection home() throws SQLException {
        return SharedServers.postgres("home").connect(DATABASE);
    }

    private static void awaitEqual(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try (Connection h = home(); Connection o = offsite.connect(DATABASE)) {
                assertThat(DemoSchema.checksums(o)).isEqualTo(DemoSchema.checksums(h));
            }
        });
    }

    /** Inserts, updates and deletes at home, in small transactions, until stopped. */
    private static final class Writer extends Thread {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger transactions = new AtomicInteger();

        @Override
        public void run() {
            int next = 10_000;
            try (Connection h = home(); Statement s = h.createStatement()) {
                long nextDue = System.nanoTime();
                while (running.get() && transactions.get() < 20_000) {
                    // about 100 transactions a second: a steady load, not a flood the test then waits out
                    nextDue += 10_000_000L;
                    java.util.concurrent.locks.LockSupport.parkNanos(nextDue - System.nanoTime());
                    DemoSchema.insertRows(h, next, 5);
                    // A bounded update (about ten rows): over every customer, the rows it touched grew with the
                    // table, and the test spent two minutes applying 1.2 million updates it did not need.
                    s.execute("UPDATE demo.customers SET balance = balance + 1, active = NOT active WHERE id < 1000"
                            + " AND id % 97 = " + (next % 97));
                    s.execute("DELETE FROM demo.measurements WHERE array_id = " + (next % 10) + " AND iops % 7 = 0");
                    next += 5;
                    transactions.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    @Order(1)
    void survivesSigkillBrokerRestartAndTargetDowntimeWithoutLossOrDuplication() throws Exception {
        awaitEqual(Duration.ofSeconds(90));
        Writer writer = new Writer();
        writer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.transactions.get() > 200);
            service.kill(); // SIGKILL mid-stream: no clean shutdown, no offset flush
            int atKill = writer.transactions.get();
            service.start();
            service.awaitReady(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.transactions.get() > atKill + 200);

            kafka.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.transactions.get() > atKill + 400);
            kafka.start();

            long downSeconds = Long.getLong("lifeboat.it.target-down-seconds", 30);
            offsite.stop();
            int atStop = writer.transactions.get();
            await().pollDelay(Duration.ofSeconds(downSeconds)).atMost(Duration.ofSeconds(downSeconds + 5))
                    .until(() -> true); // the target stays down this long, by design of the test
            assertThat(writer.transactions.get()).isGreaterThan(atStop);
            offsite.start();
        } finally {
            writer.running.set(false);
            writer.join();
        }
        awaitEqual(Duration.ofSeconds(180));
        try (Connection h = home(); Statement s = h.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM demo.customers")) {
            r.next();
            assertThat(r.getInt(1)).isGreaterThan(1000);
        }
        // Debezium logs its configuration: the password must never be in it.
        assertThat(Files.readString(service.log())).doesNotContain(SharedServers.postgres("home").password())
                .doesNotContain(offsite.password());
    }

    /**
     * The epoch fence and the direction outlive the process: after DRAIN, PROMOTE (epoch 5) and REVERSE (epoch 6),
     * a SIGKILLed service comes back still running offsite → home (changes written at offsite reach home) and still
     * refuses epoch 5 (nothing in memory survived; it read both back from {@code lifeboat.replication.state}).
     */
    @Test
    @Order(2)
    void epochAndReversedDirectionSurviveASigkill() throws Exception {
        awaitEqual(Duration.ofSeconds(60));
        Commands commands = new Commands(kafka.bootstrapServers(), "main");
        // The command consumer starts at the topic's end once it is assigned: probe until it answers.
        commands.probe(3);
        assertThat(commands.run(CommandName.DRAIN, 5, CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        assertThat(commands.run(CommandName.PROMOTE, 5, CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        CommandFinished reversed = commands.run(CommandName.REVERSE, 6, CommandParameters.none());
        assertThat(reversed.outcome()).as(reversed.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(reversed.details()).containsEntry("source", "offsite").containsEntry("target", "home");
        awaitEqual(Duration.ofSeconds(60));

        service.kill();
        service.start();
        service.awaitReady(Duration.ofSeconds(60));

        given().baseUri(service.url()).get("/links/main").then().statusCode(200)
                .body("sourceSite", equalTo("offsite")).body("targetSite", equalTo("home"));
        try (Connection o = offsite.connect(DATABASE); Statement s = o.createStatement()) {
            s.execute("INSERT INTO demo.customers (name) VALUES ('written at offsite after the restart')");
        }
        awaitEqual(Duration.ofSeconds(60));
        try (Connection h = home(); Statement s = h.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM demo.customers WHERE name = 'written at offsite after the restart'")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(1);
        }
        commands.probe(6);
        CommandFinished old = commands.run(CommandName.PAUSE, 5, CommandParameters.none());
        assertThat(old.outcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(old.reason()).isEqualTo("refused PAUSE: epoch 5 is older than 6");
        given().baseUri(service.url()).get("/links/main").then().statusCode(200)
                .body("state", not(equalTo("PAUSED"))).body("sourceSite", equalTo("offsite"));
    }
}
