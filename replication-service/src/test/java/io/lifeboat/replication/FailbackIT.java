package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.testing.OnFailure;
import io.lifeboat.loopback.testing.WorkDir;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.StartTogether;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;

/**
 * Failback by difference, and the way home again without a second copy (issue: reprotect in seconds). The old site
 * keeps writing after the service stopped hearing it, is lost by a power cut, and comes back; the promoted site
 * writes too, over some of the same rows. The failback must set the old site to the promoted site's state without
 * copying the database: checked against the test's own record of what each site wrote ({@link #expected}), and by
 * the old site's own row counters, which a full copy would raise by the size of the table. The first copy itself is
 * interrupted by a SIGKILL half way, and ends equal all the same.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailbackIT {

    @RegisterExtension
    static final OnFailure ON_FAILURE = LinkEnvironment.onFailure(() -> FailbackIT.service, "shop");

    private static final String DATABASE = "shop";
    private static final int ROWS = 300_000;
    private static final Duration SOON = Duration.ofSeconds(120);
    private static Path workDir;
    private static KafkaBroker kafka;
    private static PostgresServer home;
    private static PostgresServer offsite;
    private static ServiceProcess service;
    private static int epoch = 1;
    /** What the test itself wrote: history id → note (null: the row must not exist), beyond the seed. */
    private static final Map<Long, String> expected = new TreeMap<>();
    private static long historyRows = ROWS;

    @BeforeAll
    static void servers() throws Exception {
        workDir = WorkDir.create("failback-it-");
        kafka = new KafkaBroker(workDir.resolve("kafka"));
        home = new PostgresServer("home", workDir.resolve("home"));
        offsite = new PostgresServer("offsite", workDir.resolve("offsite"));
        StartTogether.run(Map.of("kafka", kafka::start, "home", home::start, "offsite", offsite::start));
        for (PostgresServer pg : List.of(home, offsite)) {
            pg.createDatabase(DATABASE);
            try (Connection c = pg.connect(DATABASE); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA shop");
                s.execute("CREATE TABLE shop.history (id bigint PRIMARY KEY, note text NOT NULL)");
                s.execute("CREATE TABLE shop.notes (id bigint PRIMARY KEY, body text)");
            }
        }
        try (Connection h = home.connect(DATABASE); Statement s = h.createStatement()) {
            s.execute("INSERT INTO shop.history SELECT g, 'seed' FROM generate_series(1, " + ROWS + ") g");
            s.execute("INSERT INTO shop.notes SELECT g, 'seed' FROM generate_series(1, 100) g");
        }
        Map<String, String> env = LinkEnvironment.of("shop", kafka.bootstrapServers(), home, DATABASE, offsite,
                DATABASE, "shop");
        env.put("LIFEBOAT_REPLICATION_LINKS_SHOP_DRAIN_TIMEOUT", "10s");
        service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, List.of("-Xmx256m"), workDir);
        // A SIGKILL in the middle of the first copy: offsite's history holds a stale row, so the copy must empty it
        // first, and a reader at offsite holds the lock that needs; the half-done copy is never marked complete, and
        // is made again from its start after the restart (the stale row gone too).
        sql(offsite, "INSERT INTO shop.history VALUES (999999999, 'stale, from an earlier life of the standby')");
        Connection reader = offsite.connect(DATABASE);
        reader.setAutoCommit(false);
        try (Statement s = reader.createStatement()) {
            s.execute("SELECT count(*) FROM shop.history");
            service.start();
            service.awaitReady(Duration.ofSeconds(60));
            await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() -> copyWaitsForItsLock());
            // The copy under way is on the lag feed, as a progress bar shows it.
            try (TopicReader lag = new TopicReader(kafka.bootstrapServers(), "lifeboat.replication.lag")) {
                ReplicationLag copying = (ReplicationLag) lag.awaitEvent(e -> e.type() == EventTypes.REPLICATION_LAG
                        && ((ReplicationLag) e.payload()).linkId().equals("shop")
                        && ((ReplicationLag) e.payload()).progress() != null, SOON).payload();
                assertThat(copying.progress().unit()).isEqualTo("rows");
                assertThat(copying.progress().total()).as("the source's row estimate").isPositive();
                assertThat(copying.progress().detail()).matches("tables \\d+/\\d+, \\d+ MB");
            }
            // And in GET /links/{id}, with the rate and estimate the README promises there.
            given().baseUri(service.url()).get("/links/shop").then().statusCode(200)
                    .body("copy.tablesTotal", greaterThan(0))
                    .body("copy", hasKey("rowsPerSecond"))
                    .body("copy", hasKey("secondsLeft"));
            service.kill();
        } finally {
            reader.rollback();
            reader.close();
        }
        try (Connection o = offsite.connect(DATABASE); Statement s = o.createStatement();
             ResultSet r = s.executeQuery("SELECT table_name, snapshot IS NOT NULL FROM lifeboat_replication.table_copy"
                     + " ORDER BY table_name")) {
            Map<String, Boolean> copied = new TreeMap<>();
            while (r.next()) {
                copied.put(r.getString(1), r.getBoolean(2));
            }
            assertThat(copied).as("the history table's copy was under way when the service died")
                    .containsEntry("shop.history", false);
        }
        service.start();
        service.awaitReady(Duration.ofSeconds(60));
        awaitConsistent();
        assertSiteHoldsWhatWasWritten(offsite, 100);
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable c : new AutoCloseable[] {service, kafka, home, offsite}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still stops
            }
        }
        WorkDir.remove(workDir);
    }

    @Test
    @Order(1)
    void failbackSetsTheOldSiteToThePromotedOneByTheDifferenceOnly() throws Exception {
        // Home goes on writing while nothing hears it (the service is dead), then loses its power.
        service.kill();
        sql(home, "UPDATE shop.history SET note = 'stranded' WHERE id BETWEEN 1 AND 100",
                "DELETE FROM shop.history WHERE id BETWEEN 101 AND 150",
                "INSERT INTO shop.history SELECT g, 'stranded' FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 50)
                        + ") g",
                "TRUNCATE shop.notes");
        home.kill();
        service.start();
        service.awaitReady(Duration.ofSeconds(60));
        new Commands(kafka.bootstrapServers(), "shop").probe(++epoch); // its command consumer is assigned again
        CommandFinished promoted = command(CommandName.PROMOTE, CommandParameters.promote(null, Instant.now()));
        assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(promoted.details().get("promotionSlot")).contains("created");

        // Offsite is the active site now, and writes over some of the rows home's stranded changes touched.
        sql(offsite, "UPDATE shop.history SET note = 'offsite' WHERE id BETWEEN 1 AND 50",
                "UPDATE shop.history SET note = 'offsite only' WHERE id BETWEEN 200 AND 209",
                "DELETE FROM shop.history WHERE id BETWEEN 250 AND 254",
                "INSERT INTO shop.history SELECT g, 'offsite' FROM generate_series(400001, 400010) g",
                "INSERT INTO shop.notes SELECT g, 'offsite' FROM generate_series(101, 105) g");
        for (long id = 1; id <= 50; id++) {
            expected.put(id, "offsite");
        }
        for (long id = 51; id <= 150; id++) {
            expected.put(id, "seed"); // home's stranded update and delete, undone
        }
        for (long id = 200; id <= 209; id++) {
            expected.put(id, "offsite only");
        }
        for (long id = 250; id <= 254; id++) {
            expected.put(id, null);
        }
        for (long id = ROWS + 1; id <= ROWS + 50; id++) {
            expected.put(id, null); // home's stranded insert, undone
        }
        for (long id = 400001; id <= 400010; id++) {
            expected.put(id, "offsite");
        }
        historyRows = ROWS - 5 + 10;

        home.start(); // crash recovery; its row counters start from zero
        CommandFinished reversed = command(CommandName.REVERSE, CommandParameters.none());
        assertThat(reversed.outcome()).as(reversed.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(reversed.details().get("failback")).startsWith("by difference");
        assertThat(reversed.details().get("tablesCopiedWhole")).as("a TRUNCATE among the stranded changes")
                .isEqualTo("shop.notes");
        assertThat(Long.parseLong(reversed.details().get("keysRepaired"))).isEqualTo(200);
        assertThat(strandedInQuarantine(offsite, "shop.history")).isEqualTo(200);
        assertThat(reversed.details()).as("stranded changes are read by the engine").doesNotContainKey("strandedRead");
        awaitConsistent();
        assertSiteHoldsWhatWasWritten(home, 105);

        // The failback is proven by hashes on its own once home has caught up (no difference, so no alert).
        await().atMost(SOON).pollInterval(Duration.ofSeconds(1)).until(() -> given().baseUri(service.url())
                .get("/links/shop/compare").then().extract().jsonPath().getString("lastProvenEqualAt") != null);
        await().atMost(SOON).until(() -> rowsWritten(home, "shop.history") >= 300); // 150 set back, 150 removed first
        long work = rowsWritten(home, "shop.history");
        assertThat(work).as("rows written to home's history: the difference (200 set back, 10+10+5 streamed),"
                + " not the table (" + historyRows + ")").isBetween(200L, 1_000L);
    }

    @Test
    @Order(2)
    void theWayHomeAgainProtectsTheOtherSiteWithoutASecondCopy() throws Exception {
        CommandFinished promoted = command(CommandName.PROMOTE, CommandParameters.plannedPromote(null));
        assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
        // Sent again (its answer lost, as a failover run may retry): the same promotion, answered, nothing redone.
        CommandFinished again = command(CommandName.PROMOTE, CommandParameters.plannedPromote(null));
        assertThat(again.outcome()).as(again.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(again.promotion().repeated()).as(again.details().toString()).isTrue();
        assertThat(promoted.promotion().repeated()).isFalse();
        assertThat(again.promotion().appliedPosition()).isEqualTo(promoted.promotion().appliedPosition());
        long before = rowsWritten(offsite, "shop.history");
        CommandFinished reversed = command(CommandName.REVERSE, CommandParameters.none());
        assertThat(reversed.outcome()).as(reversed.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(reversed.details().get("failback")).startsWith("by difference");
        assertThat(reversed.details().get("keysRepaired")).isEqualTo("0");
        // Offsite was drained before home's promotion: its slot is peeked, no engine is started for nothing.
        assertThat(reversed.details().get("strandedRead")).as(reversed.details().toString())
                .contains("peeked, no engine started");
        sql(home, "UPDATE shop.history SET note = 'home again' WHERE id = 1");
        expected.put(1L, "home again");
        await().atMost(SOON).pollInterval(Duration.ofMillis(250)).until(() -> note(offsite, 1).equals("home again"));
        awaitConsistent();
        await().atMost(SOON).until(() -> "STREAMING".equals(given().baseUri(service.url()).get("/links/shop").then()
                .extract().jsonPath().getString("state")));
        assertSiteHoldsWhatWasWritten(offsite, 105);
        // The way home is proven by hashes on its own too (home → offsite, after the second REVERSE).
        await().atMost(SOON).pollInterval(Duration.ofSeconds(1)).until(() -> given().baseUri(service.url())
                .get("/links/shop/compare").then().extract().jsonPath().getList("comparisons.findAll { it.outcome =="
                        + " 'EQUAL' && it.sourceSite == 'home' }").size() > 0);
        await().atMost(SOON).until(() -> rowsWritten(offsite, "shop.history") > before); // the update, counted
        assertThat(rowsWritten(offsite, "shop.history") - before).as("offsite kept its rows: no second copy")
                .isLessThan(100);
    }

    /** Every row the test wrote is as it wrote it, the others are the seed's, and the counts add up. */
    private static void assertSiteHoldsWhatWasWritten(PostgresServer site, long notes) throws SQLException {
        try (Connection c = site.connect(DATABASE); Statement s = c.createStatement()) {
            for (Map.Entry<Long, String> row : expected.entrySet()) {
                try (ResultSet r = s.executeQuery("SELECT note FROM shop.history WHERE id = " + row.getKey())) {
                    assertThat(r.next() ? r.getString(1) : null).as("history row " + row.getKey() + " at " + site.name())
                            .isEqualTo(row.getValue());
                }
            }
            try (ResultSet r = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE note = 'seed') FROM shop.history")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(historyRows);
                long seedGone = expected.entrySet().stream().filter(e -> e.getKey() <= ROWS && e.getValue() == null)
                        .count();
                assertThat(r.getLong(2)).isEqualTo(ROWS - seedGone - expected.entrySet().stream()
                        .filter(e -> e.getKey() <= ROWS && e.getValue() != null && !e.getValue().equals("seed")).count());
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM shop.notes")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(notes);
            }
        }
    }

    /** Rows inserted, updated and deleted in the table since the server started, once its counters include them. */
    private static long rowsWritten(PostgresServer site, String table) throws SQLException {
        try (Connection c = site.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_force_next_flush()");
            try (ResultSet r = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                    + " FROM pg_stat_user_tables WHERE relid = '" + table + "'::regclass")) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Whether the first copy's session at offsite waits for the lock it needs to empty the history table. */
    private static boolean copyWaitsForItsLock() throws SQLException {
        try (Connection c = offsite.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     + " AND application_name LIKE 'lifeboat-copy-%' AND query ILIKE '%shop%history%'")) {
            r.next();
            return r.getLong(1) > 0;
        }
    }

    private static long strandedInQuarantine(PostgresServer site, String table) throws SQLException {
        try (Connection c = site.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM lifeboat_replication.quarantine WHERE reason ="
                     + " 'STRANDED' AND table_name = '" + table + "'")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static String note(PostgresServer site, long id) throws SQLException {
        try (Connection c = site.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT note FROM shop.history WHERE id = " + id)) {
            return r.next() ? r.getString(1) : "";
        }
    }

    private static void sql(PostgresServer site, String... statements) throws SQLException {
        try (Connection c = site.connect(DATABASE); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static void awaitConsistent() {
        await().atMost(SOON).pollInterval(Duration.ofMillis(250)).until(() -> "CONSISTENT".equals(given()
                .baseUri(service.url()).get("/links/shop").then().extract().jsonPath().getString("consistency.state")));
    }

    private static CommandFinished command(CommandName name, CommandParameters parameters) throws Exception {
        return new Commands(kafka.bootstrapServers(), "shop").run(name, ++epoch, parameters, Duration.ofSeconds(180));
    }
}
