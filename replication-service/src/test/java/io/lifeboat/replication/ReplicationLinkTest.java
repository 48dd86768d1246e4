package io.lifeboat.replication;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.epoch.CommandAdmission;
import io.lifeboat.events.testing.ApiAuthContract;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.lifeboat.replication.LinkApi.compared;
import static io.lifeboat.replication.LinkApi.operator;
import static io.lifeboat.replication.LinkDatabases.SOON;
import static io.lifeboat.replication.LinkDatabases.awaitEqual;
import static io.lifeboat.replication.LinkDatabases.count;
import static io.lifeboat.replication.LinkDatabases.exec;
import static io.lifeboat.replication.LinkDatabases.home;
import static io.lifeboat.replication.LinkDatabases.offsite;
import static io.lifeboat.replication.LinkTopics.awaitAlert;
import static io.lifeboat.replication.LinkTopics.awaitDeadLetter;
import static io.lifeboat.replication.LinkTopics.awaitLag;
import static io.lifeboat.replication.LinkTopics.sendRaw;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/**
 * One link home → offsite over the demo tables, against the real broker and both real PostgreSQL servers, taken
 * through its life in order: snapshot, streaming, lag feed, guard, an unappliable change, drift, commands, promotion,
 * reversal.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = TwoSiteLinkResource.class, initArgs = @ResourceArg(name = "link", value = "it"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationLinkTest {

    @Inject
    EventPublisher publisher;

    // Read, not injected: Quarkus would check an injected key in every test class's application.
    private final String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    private final String database = ConfigProvider.getConfig().getValue("test.home.database", String.class);
    private final PublishedCommands commands = PublishedCommands.through(() -> publisher, bootstrap);

    @Test
    @Order(1)
    void initialSnapshotCopiesEveryTable() throws Exception {
        awaitEqual();
        try (Connection o = offsite()) {
            assertThat(DemoSchema.checksums(o).get("demo.customers")).startsWith("50:");
        }
    }

    @Test
    @Order(2)
    void streamsInsertsUpdatesDeletesToastAndTruncates() throws Exception {
        try (Connection h = home()) {
            DemoSchema.insertRows(h, 1000, 200);
        }
        exec(home(),
                "UPDATE demo.customers SET balance = balance + 1, tags = ARRAY['updated'] WHERE id % 3 = 0",
                // notes of id 5, 10, ... are TOASTed: this update does not touch them (REPLICA IDENTITY DEFAULT)
                "UPDATE demo.customers SET name = name || ' (renamed)' WHERE id % 5 = 0",
                "UPDATE demo.customers SET profile = NULL, avatar = NULL, born = NULL WHERE id = 7",
                "DELETE FROM demo.customers WHERE id % 11 = 0",
                "UPDATE demo.arrays SET nums = ARRAY[]::numeric[], ints = NULL WHERE id = 3",
                "DELETE FROM demo.measurements WHERE array_id = 4",
                "UPDATE demo.measurements SET latency_ms = 9.999 WHERE array_id = 2");
        awaitEqual();
        assertThat(count(offsite(), "SELECT count(*) FROM demo.customers WHERE notes LIKE '%__debezium_unavailable_value%'"))
                .as("no placeholder is ever written").isZero();
        exec(home(), "TRUNCATE demo.measurements");
        awaitEqual();
        try (Connection h = home()) {
            DemoSchema.insertRows(h, 5000, 20);
        }
        awaitEqual();
        // The product's own proof agrees: every column type the applier handles, compared by hashes.
        var result = compared();
        assertThat(result.getString("outcome")).as(result.prettify()).isEqualTo("EQUAL");
        try (Connection o = offsite()) {
            assertThat(result.getInt("tablesCompared")).isEqualTo(DemoSchema.checksums(o).size());
        }
    }

    @Test
    @Order(3)
    void publishesLagEveryLinkEverySecondAndOnTheStatusApi() {
        try (TopicReader lag = new TopicReader(bootstrap, "lifeboat.replication.lag")) {
            Instant since = Instant.now();
            ReplicationLag payload = awaitLag(lag, since, Duration.ofSeconds(10));
            assertThat(payload.sourceSite()).isEqualTo("home");
            assertThat(payload.targetSite()).isEqualTo("offsite");
            assertThat(payload.appliedPosition()).contains("/");
            awaitLag(lag, payload.measuredAt().plusMillis(500), Duration.ofSeconds(5));
        }
        await().atMost(SOON).untilAsserted(() -> given().get("/links/it").then().statusCode(200)
                .body("state", equalTo("STREAMING")).body("lagMs", equalTo(0)).body("pendingEvents", equalTo(0)));
        given().get("/links").then().statusCode(200).body("[0].id", equalTo("it"));
        given().get("/links/nope").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(200).body(containsString("lifeboat_replication_lag_seconds{link=\"it\"}"))
                .body(containsString("lifeboat_replication_retained_wal_bytes{link=\"it\"}"));
    }

    @Test
    @Order(4)
    void actionsNeedAnOperatorTokenAndTheQuarantineAViewerToken() {
        given().get("/links/it").then().statusCode(200);
        // Let in, each answers for itself: no gap to resync (409), a table that is not stopped (409).
        ApiAuthContract.check(() -> given(), "POST", "/links/it/resync", LinkEnvironment.VIEWER,
                LinkEnvironment.OPERATOR, 409);
        ApiAuthContract.check(() -> given(), "POST", "/links/it/tables/demo.customers/resume",
                LinkEnvironment.VIEWER, LinkEnvironment.OPERATOR, 409);
        ApiAuthContract.check(() -> given(), "POST", "/links/it/drift/check", LinkEnvironment.VIEWER,
                LinkEnvironment.OPERATOR, 200);
        ApiAuthContract.check(() -> given(), "GET", "/links/it/quarantine", null, LinkEnvironment.VIEWER, 200);
        ApiAuthContract.check(() -> given(), "GET", "/links/it/quarantine/export", null,
                LinkEnvironment.VIEWER, 200);
    }

    @Test
    @Order(4)
    void theStandbyRefusesWritesFromAnyoneButTheApplier() {
        assertThatThrownBy(() -> exec(offsite(), "INSERT INTO demo.arrays (id) VALUES (999999)"))
                .isInstanceOf(SQLException.class).hasMessageContaining("refuses writes")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        assertThatThrownBy(() -> exec(offsite(), "SET default_transaction_read_only = off",
                "DELETE FROM demo.customers")).hasMessageContaining("refuses writes");
    }

    @Test
    @Order(5)
    void anUnappliableChangeStopsTheLinkBeforeItsTransactionAndResumesAfterTheFix() throws Exception {
        exec(offsite(), "ALTER TABLE demo.arrays ADD CONSTRAINT small_ids CHECK (id < 100000)");
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            // One transaction: the refused row and a row of another table. Then a later transaction.
            exec(home(), "BEGIN", "INSERT INTO demo.arrays (id, serial_no) VALUES (100001, 'too big')",
                    "INSERT INTO demo.customers (name) VALUES ('same transaction as the bad one')", "COMMIT",
                    "INSERT INTO demo.customers (name) VALUES ('after the bad one')");
            AlertRaised raised = awaitAlert(alerts, "APPLY_STOPPED");
            assertThat(raised.labels()).containsEntry("table", "demo.arrays").containsEntry("topic", "lifeboat.cdc.it")
                    .containsKey("offset").containsKey("partition");
            assertThat(raised.reason()).contains("small_ids").contains("100001");
        }
        given().get("/links/it").then().body("state", equalTo("STALLED"))
                .body("stoppedTables[0].table", equalTo("demo.arrays"))
                .body("consistency.state", equalTo("TABLE_STOPPED"));
        // A transaction is applied whole or not at all, and nothing after it overtakes it.
        assertThat(count(offsite(), "SELECT count(*) FROM demo.customers WHERE name IN ('same transaction as the"
                + " bad one', 'after the bad one')")).as("neither the bad row's transaction nor a later one is applied")
                .isZero();
        operator().post("/links/it/tables/demo.customers/resume").then().statusCode(409);
        exec(offsite(), "ALTER TABLE demo.arrays DROP CONSTRAINT small_ids");
        operator().post("/links/it/tables/demo.arrays/resume").then().statusCode(200);
        awaitEqual();
        given().get("/links/it").then().body("state", equalTo("STREAMING"))
                .body("consistency.state", equalTo("CONSISTENT"));
    }

    @Test
    @Order(6)
    void reportsSchemaDrift() throws Exception {
        exec(offsite(), "ALTER TABLE demo.customers ADD COLUMN only_here int");
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            operator().post("/links/it/drift/check").then().statusCode(200)
                    .body("[0].column", equalTo("only_here")).body("[0].source", equalTo("missing"));
            awaitAlert(alerts, a -> a.kind().equals("SCHEMA_DRIFT") && a.reason().contains("only_here"));
        }
        given().get("/links/it").then().body("drift[0].table", equalTo("demo.customers"));
        exec(offsite(), "ALTER TABLE demo.customers DROP COLUMN only_here");
        operator().post("/links/it/drift/check").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    @Order(7)
    void aMalformedChangeEventGoesToTheDlqWithItsReasonAndTheTableGoesOn() throws Exception {
        String marker = "{\"id\":\"malformed-" + UUID.randomUUID() + "\"}";
        try (TopicReader dlq = new TopicReader(bootstrap, "lifeboat.dlq")) {
            sendRaw(bootstrap, "lifeboat.cdc.it", marker, "{\"op\":\"x\", \"not\": \"an envelope\"}");
            var dead = awaitDeadLetter(dlq, marker);
            String reason = new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("not an appliable Debezium change event").contains("lifeboat-kind");
            assertThat(new String(dead.headers().lastHeader(DeadLetters.TOPIC).value(), StandardCharsets.UTF_8))
                    .isEqualTo("lifeboat.cdc.it");
        }
        // The stream (same topic, after the bad record, which was between transactions) goes on.
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('after the malformed one')");
        awaitEqual();
        assertThat(count(offsite(), "SELECT count(*) FROM demo.customers WHERE name = 'after the malformed one'"))
                .isEqualTo(1);
        given().get("/links/it").then().body("state", equalTo("STREAMING")).body("stoppedTables.size()", equalTo(0));
    }

    @Test
    @Order(8)
    void alertsWhenTheSlotRetainsMoreWalThanTheBoundAndResolvesWhenItIsBackUnder() throws Exception {
        // An open transaction at the source holds the slot's restart_lsn back (decoding must be able to start
        // before it); 40 MB of WAL written meanwhile (to a table the link does not replicate) is retained.
        exec(home(), "CREATE TABLE IF NOT EXISTS public.filler (id int, pad text)");
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            try (Connection holder = home(); Statement hold = holder.createStatement()) {
                holder.setAutoCommit(false);
                // A first change makes it a running transaction with a place in the WAL, and a logged snapshot of
                // running transactions tells the decoder about it now rather than within 15 s: from then on the
                // slot's restart_lsn cannot pass it, whatever the timing of the filler below.
                hold.execute("INSERT INTO public.filler VALUES (0, 'held open')");
                exec(home(), "SELECT pg_log_standby_snapshot()");
                exec(home(), "INSERT INTO public.filler SELECT g, repeat(md5(g::text), 30)"
                        + " FROM generate_series(1, 42000) g");
                AlertRaised raised = awaitAlert(alerts, "SLOT_RETENTION");
                assertThat(raised.labels()).containsEntry("link", "it").containsEntry("slot", "lifeboat_it");
                assertThat(raised.reason()).contains("over the bound of " + TwoSiteLinkResource.RETAINED_WAL_BOUND);
                given().get("/links/it").then().body("retainedWalBytes",
                        greaterThan(TwoSiteLinkResource.RETAINED_WAL_BOUND));
                holder.rollback();
            }
            // Running transactions are logged every 15 s; logging them now lets the slot move on sooner.
            await().atMost(SOON).ignoreExceptions().untilAsserted(() -> {
                exec(home(), "SELECT pg_log_standby_snapshot()");
                alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RESOLVED
                        && ((AlertResolved) e.payload()).alertId().equals("slot-retention:it:lifeboat_it"),
                        Duration.ofSeconds(3));
            });
        } finally {
            exec(home(), "DROP TABLE IF EXISTS public.filler");
        }
    }

    @Test
    @Order(9)
    void pausesAndResumesAndRefusesOlderEpochsAndDeadLettersMalformedCommands() throws Exception {
        assertThat(commands.run(CommandName.PAUSE, 4, "it", CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        given().get("/links/it").then().body("state", equalTo("PAUSED"));
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('while paused')");
        await().atMost(SOON).untilAsserted(() -> given().get("/links/it").then().body("pendingEvents", greaterThan(0)));
        CommandFinished refused = commands.run(CommandName.RESUME, 3, "it", CommandParameters.none());
        assertThat(refused.outcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(refused.reason()).isEqualTo("refused RESUME: epoch 3 is older than 4");
        assertThat(commands.run(CommandName.RESUME, 4, "it", CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        awaitEqual();

        // A command from nowhere: an epoch no leader published. Refused, alerted, and not kept: a real command at
        // the epoch failover-service holds still runs after it (the old fence stored the huge epoch and refused it).
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            CommandFinished forged = commands.issue(CommandName.PAUSE, 1_000_000_000L, "it", CommandParameters.none());
            assertThat(forged.outcome()).isEqualTo(CommandOutcome.REFUSED);
            assertThat(forged.reason()).isEqualTo("refused PAUSE: epoch 1000000000 is newer than any failover-service"
                    + " published (it holds 4): not issued by its leader");
            AlertRaised alert = awaitAlert(alerts, CommandAdmission.ALERT_KIND);
            assertThat(alert.labels()).containsEntry("epoch", "1000000000").containsEntry("target", "it");
        }
        given().get("/links/it").then().body("state", equalTo("STREAMING"));
        assertThat(commands.run(CommandName.PAUSE, 4, "it", CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);
        assertThat(commands.run(CommandName.RESUME, 4, "it", CommandParameters.none()).outcome()).isEqualTo(CommandOutcome.DONE);

        try (TopicReader dlq = new TopicReader(bootstrap, "lifeboat.dlq")) {
            String marker = "garbage-" + UUID.randomUUID();
            sendRaw(bootstrap, "lifeboat.commands", marker, "{not a command");
            awaitDeadLetter(dlq, marker);
        }
    }

    @Test
    @Order(10)
    void drainFencePromoteThenReverseWithStrandedChangesQuarantined() throws Exception {
        CommandFinished drained = commands.done(CommandName.DRAIN, 5, "it", CommandParameters.none());
        assertThat(drained.details()).containsKey("appliedPosition");
        awaitEqual();
        given().get("/links/it").then().body("state", equalTo("DRAINED"));

        // Written at home after the last change left it: these never reach offsite.
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('stranded 1'), ('stranded 2')",
                "UPDATE demo.arrays SET capacity_gb = 1 WHERE id = 1");

        commands.done(CommandName.FENCE, 5, "home", CommandParameters.none());
        assertThatThrownBy(() -> exec(home(), "INSERT INTO demo.arrays (id) VALUES (424242)"))
                .hasMessageContaining("refuses writes");

        // A report on the standby holds a replicated table: the promotion ends it rather than wait for it.
        CommandFinished promoted;
        try (Connection report = ReportSession.holdingReadLock(SharedServers.postgres("offsite"), database, "demo",
                "demo.customers")) {
            promoted = commands.run(CommandName.PROMOTE, 5, "it", CommandParameters.promote(null, Instant.now()));
            assertThat(ReportSession.alive(report)).as("the report holding a guarded table").isFalse();
        }
        assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(promoted.details()).containsKeys("appliedPosition", "dataLossWindowMs", "sequencesAdvanced")
                .containsEntry("lockingSessionsEnded", "1");
        // The same figures, typed, as failover-service reads them.
        assertThat(promoted.promotion().planned()).isFalse();
        assertThat(promoted.promotion().appliedPosition()).isEqualTo(promoted.details().get("appliedPosition"));
        assertThat(String.valueOf(promoted.promotion().dataLossWindowMs()))
                .isEqualTo(promoted.details().get("dataLossWindowMs"));
        assertThat(promoted.promotion().sourceLostAt()).isNotNull();
        // The promoted site takes writes, and a serial id from its sequence does not collide with replicated rows.
        exec(offsite(), "INSERT INTO demo.customers (name) VALUES ('first write at offsite')");

        CommandFinished reversed = commands.done(CommandName.REVERSE, 6, "it", CommandParameters.none());
        assertThat(reversed.details()).containsEntry("strandedChanges", "3")
                .containsEntry("stranded.demo.customers", "2").containsEntry("stranded.demo.arrays", "1");
        // Kept where it survives: the quarantine of the database that became active, never replicated.
        assertThat(count(offsite(), "SELECT count(*) FROM lifeboat_replication.quarantine WHERE link_id = 'it'"
                + " AND reason = 'STRANDED' AND change::text LIKE '%stranded 2%'")).isEqualTo(1);
        // home is now the copy of offsite, guarded, and streaming goes offsite → home.
        awaitEqual();
        exec(offsite(), "INSERT INTO demo.customers (name) VALUES ('written at offsite after reversal')");
        awaitEqual();
        given().get("/links/it").then().body("sourceSite", equalTo("offsite")).body("targetSite", equalTo("home"));
        assertThatThrownBy(() -> exec(home(), "INSERT INTO demo.arrays (id) VALUES (434343)"))
                .hasMessageContaining("refuses writes");
    }

    /** Failback's switchover: the active site fenced, drained to its WAL end, promoted with nothing lost. */
    @Test
    @Order(11)
    void aPlannedPromotionAfterTheActiveSiteIsFencedLosesNothing() throws Exception {
        exec(offsite(), "INSERT INTO demo.customers (name) VALUES ('last write at offsite before the switchover')");
        commands.fenceThenPromotePlanned(7, "offsite");
        awaitEqual();
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('first write at home after the switchover')");
        given().get("/links/it").then().body("state", equalTo("PROMOTED")).body("targetSite", equalTo("home"));
    }

    /**
     * A planned PROMOTE refused because its drain could not reach the source's end (the source down at that moment)
     * is refused again, at once, while the source stays down, and succeeds with nothing lost when retried after it
     * is back: the retry drains again from where capture stopped.
     */
    @Test
    @Order(12)
    void aRefusedPlannedPromotionSucceedsWhenRetriedOnceTheSourceAnswersAgain() throws Exception {
        commands.done(CommandName.REVERSE, 8, "it", CommandParameters.none());
        awaitEqual();
        await().atMost(SOON).untilAsserted(() -> given().get("/links/it").then().body("sourceSite", equalTo("home"))
                .body("state", equalTo("STREAMING")));
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('written at home before it went away')");

        PostgresServer homeServer = SharedServers.postgres("home");
        homeServer.stop();
        try {
            CommandFinished refused = commands.run(CommandName.PROMOTE, 8, "it", CommandParameters.plannedPromote(null));
            assertThat(refused.outcome()).as(refused.reason()).isEqualTo(CommandOutcome.REFUSED);
            assertThat(refused.reason()).contains("planned promotion refused").contains("source unreachable");
            given().get("/links/it").then().body("state", equalTo("DRAINED"))
                    .body("reason", containsString("planned promotion refused"));

            // Retried while home is still down: refused again with the reason, without waiting out drain-timeout.
            Instant retried = Instant.now();
            CommandFinished again = commands.run(CommandName.PROMOTE, 8, "it", CommandParameters.plannedPromote(null));
            assertThat(again.outcome()).as(again.reason()).isEqualTo(CommandOutcome.REFUSED);
            assertThat(again.reason()).contains("source unreachable");
            assertThat(Duration.between(retried, Instant.now())).isLessThan(Duration.ofSeconds(60));
        } finally {
            homeServer.start();
        }

        // Written after the refused drain stopped capture: only a drain run again can bring it to offsite.
        exec(home(), "INSERT INTO demo.customers (name) VALUES ('written at home after it came back')");
        commands.fenceThenPromotePlanned(8, "home");
        try (Connection h = home(); Connection o = offsite()) {
            assertThat(DemoSchema.checksums(o)).as("every row of home at offsite").isEqualTo(DemoSchema.checksums(h));
        }
        given().get("/links/it").then().body("state", equalTo("PROMOTED")).body("targetSite", equalTo("offsite"));
        exec(offsite(), "INSERT INTO demo.customers (name) VALUES ('first write at offsite after the retried switchover')");
    }
}
