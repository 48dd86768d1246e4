package io.lifeboat.replication;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.SharedServers;
import io.lifeboat.replication.consistency.Shop;
import io.lifeboat.replication.consistency.ShopWriter;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The comparison by hashes on a running link (the packaged service, real PostgreSQL at both sites, real Kafka): equal
 * after the first copy and while the source keeps writing (lag is not a difference), and it names exactly the rows
 * changed, removed or added behind the applier's back at the standby: one value among 200,000 rows, a deleted row,
 * an extra row. What was tampered with is the test's own record; the source is never touched for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComparisonIT {

    private static final String LINK = "cmp";
    private static final int BIG_ROWS = 200_000;
    private static final Duration SOON = Duration.ofSeconds(120);
    private static PostgresServer home;
    private static PostgresServer offsite;
    private static ServiceProcess service;

    @BeforeAll
    static void link() throws Exception {
        home = SharedServers.postgres("home");
        offsite = SharedServers.postgres("offsite");
        for (PostgresServer pg : List.of(home, offsite)) {
            pg.createDatabase("compare");
            try (Connection c = pg.connect("compare"); Statement s = c.createStatement()) {
                Shop.create(c);
                s.execute("CREATE TABLE shop.big (id bigint PRIMARY KEY, name text, amount numeric(12,2),"
                        + " at timestamptz, tags text[], doc jsonb)");
            }
        }
        try (Connection h = home.connect("compare"); Statement s = h.createStatement()) {
            Shop.seed(h);
            s.execute("INSERT INTO shop.big SELECT g, 'name ' || g, g * 1.25, now() - g * interval '1 s',"
                    + " ARRAY['a' || (g % 7), 'b'], jsonb_build_object('k', g) FROM generate_series(1, " + BIG_ROWS
                    + ") g");
        }
        Map<String, String> env = LinkEnvironment.of(LINK, SharedServers.kafka().bootstrapServers(), home, "compare",
                offsite, "compare", "shop");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "comparison-it-");
        service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, List.of("-Xmx256m"), logs);
        service.start();
        service.awaitReady(Duration.ofSeconds(120));
        await().atMost(SOON).pollInterval(Duration.ofMillis(250)).until(() -> "CONSISTENT".equals(given()
                .baseUri(service.url()).get("/links/" + LINK).then().extract().jsonPath().getString("consistency.state")));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** Runs one comparison through the REST API and returns its result once it ended. */
    private static JsonPath compare() {
        String started = given().baseUri(service.url()).auth().oauth2(LinkEnvironment.OPERATOR).post("/links/" + LINK + "/compare").then().statusCode(202)
                .extract().jsonPath().getString("startedAt");
        JsonPath[] done = new JsonPath[1];
        await().atMost(SOON).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath p = given().baseUri(service.url()).get("/links/" + LINK + "/compare").then().statusCode(200)
                    .extract().jsonPath();
            done[0] = p;
            return started.equals(p.getString("comparisons[0].startedAt"))
                    && !"RUNNING".equals(p.getString("comparisons[0].outcome"));
        });
        return done[0].setRootPath("comparisons[0]");
    }

    /** Writes at the standby as the applier does (past the read-only guard): a change Lifeboat never made. */
    private static void atStandby(String sql) throws SQLException {
        try (Connection c = offsite.connect("compare"); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        }
    }

    @Test
    @Order(1)
    void equalWhileTheSourceKeepsWriting() throws Exception {
        ShopWriter writer = new ShopWriter(() -> {
            try {
                return home.connect("compare");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, 1, 100);
        writer.start();
        try {
            await().atMost(SOON).until(() -> writer.transactions.get() >= 100);
            for (int i = 0; i < 3; i++) {
                long before = writer.transactions.get();
                JsonPath result = compare();
                assertThat(result.getString("outcome")).as(result.prettify()).isEqualTo("EQUAL");
                assertThat(result.getInt("tablesCompared")).isEqualTo(4);
                assertThat(result.getLong("sourceRows")).isGreaterThan(BIG_ROWS);
                assertThat(result.getList("differences")).isEmpty();
                assertThat(writer.transactions.get()).as("the source wrote during the comparison").isGreaterThan(before);
                System.out.printf("comparison under writes: %d rows differed between the snapshots, none after the"
                        + " recheck%n", result.getLong("firstPassRows"));
            }
        } finally {
            writer.finish();
        }
        assertThat(given().baseUri(service.url()).get("/links").then().extract().jsonPath()
                .getString("find { it.id == 'cmp' }.lastProvenEqualAt")).isNotNull();
        assertThat(given().baseUri(service.url()).get("/q/metrics").then().extract().asString())
                .containsPattern("lifeboat_replication_last_proven_equal_timestamp_seconds\\{link=\"cmp\"\\} 1\\.[0-9]+E9");
        try (TopicReader lags = new TopicReader(SharedServers.kafka().bootstrapServers(), "lifeboat.replication.lag")) {
            lags.awaitEvent(e -> e.type() == EventTypes.REPLICATION_LAG && e.payload() instanceof ReplicationLag l
                    && l.linkId().equals(LINK) && l.lastProvenEqualAt() != null, SOON);
        }
    }

    @Test
    @Order(2)
    void findsOneChangedValueAmongTwoHundredThousandRows() throws Exception {
        try (TopicReader alerts = new TopicReader(SharedServers.kafka().bootstrapServers(), "lifeboat.alerts")) {
            atStandby("UPDATE shop.big SET amount = amount + 0.01 WHERE id = 123457");
            JsonPath result = compare();
            assertThat(result.getString("outcome")).as(result.prettify()).isEqualTo("DIFFERENT");
            assertThat(result.getList("differences.table")).containsExactly("shop.big");
            assertThat(result.getList("differences[0].keys")).containsExactly(Map.of("id", "123457"));
            assertThat(result.getLong("differences[0].rows")).isEqualTo(1);
            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).kind().equals("SITES_DIFFER"), SOON).payload();
            assertThat(alert.reason()).contains("shop.big: 1 rows, keys {id=123457}");
            assertThat(alert.labels()).containsEntry("link", LINK).containsEntry("tables", "shop.big");
        }
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void catchesADeletedRowAndAnExtraRow() throws Exception {
        atStandby("DELETE FROM shop.big WHERE id = 77");
        atStandby("INSERT INTO shop.accounts VALUES (5000000, 1)");
        JsonPath result = compare();
        assertThat(result.getString("outcome")).as(result.prettify()).isEqualTo("DIFFERENT");
        assertThat(result.getList("differences.table")).containsExactlyInAnyOrder("shop.big", "shop.accounts");
        Map<String, Object> big = result.getMap("differences.find { it.table == 'shop.big' }");
        Map<String, Object> accounts = result.getMap("differences.find { it.table == 'shop.accounts' }");
        assertThat(big.get("rows")).isEqualTo(2);
        assertThat((List<Object>) big.get("keys")).containsExactlyInAnyOrder(Map.of("id", "77"), Map.of("id", "123457"));
        assertThat(accounts.get("rows")).isEqualTo(1);
        assertThat((List<Object>) accounts.get("keys")).containsExactly(Map.of("id", "5000000"));
    }

    @Test
    @Order(4)
    void equalAgainOnceRepairedAndTheAlertIsResolved() throws Exception {
        java.time.Instant repaired = java.time.Instant.now();
        try (TopicReader alerts = new TopicReader(SharedServers.kafka().bootstrapServers(), "lifeboat.alerts")) {
            atStandby("UPDATE shop.big SET amount = amount - 0.01 WHERE id = 123457");
            // as the source wrote it: at = now() - id seconds, one now() for every row
            atStandby("INSERT INTO shop.big SELECT 77, 'name 77', 77 * 1.25, at + interval '1 s', ARRAY['a0', 'b'],"
                    + " jsonb_build_object('k', 77) FROM shop.big WHERE id = 78");
            atStandby("DELETE FROM shop.accounts WHERE id = 5000000");
            JsonPath result = compare();
            assertThat(result.getString("outcome")).as(result.prettify()).isEqualTo("EQUAL");
            alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RESOLVED
                    && ((AlertResolved) e.payload()).kind().equals("SITES_DIFFER")
                    && ((AlertResolved) e.payload()).resolvedAt().isAfter(repaired), SOON);
        }
    }

    /**
     * An operator's UNFENCE of the source while a comparison reads it: the comparison holds the tables it has read,
     * and the guard's lift would wait for it (here for ever: it is blocked on shop.big by another role's lock).
     * UNFENCE ends the comparison, and the other role's session in the way after a moment; it does not wait.
     */
    @Test
    @Order(5)
    void unfenceOfTheSourceDoesNotWaitForAComparisonReadingIt() throws Exception {
        String kafka = SharedServers.kafka().bootstrapServers();
        long epoch = io.lifeboat.events.testing.FailoverStates.current(kafka).orElse(0) + 1;
        Commands site = new Commands(kafka, "home");
        CommandFinished fenced = site.run(CommandName.FENCE, epoch, CommandParameters.none(), SOON);
        assertThat(fenced.outcome()).as(fenced.reason()).isEqualTo(CommandOutcome.DONE);
        try (Connection lock = ReportSession.asOwnRole(home, "compare", "lock_holder", "shop",
                "SELECT, UPDATE ON shop.big");
             Statement s = lock.createStatement()) {
            s.execute("SET default_transaction_read_only = off"); // the fenced database's default is read-only
            String started = comparisonBlockedBy(lock);

            CommandFinished unfenced = site.run(CommandName.UNFENCE, epoch, CommandParameters.none(), SOON);
            assertThat(unfenced.outcome()).as(unfenced.reason()).isEqualTo(CommandOutcome.DONE);
            String database = home.host() + ":" + home.port() + "/compare.";
            assertThat(unfenced.details()).containsEntry(database + "comparisonSessionsEnded", "1")
                    .containsEntry(database + "lockingSessionsEnded", "1");
            JsonPath last = awaitEnded(started);
            assertThat(last.getString("outcome")).as(last.prettify()).isEqualTo("NOT_COMPARED");
        }
    }

    @Test
    @Order(6)
    void aComparisonThePromotionMakesMootStopsAtOnce() throws Exception {
        // The comparison reads the tables before it at both sites, then blocks on the source's shop.big, held by
        // this test's lock, until something stops it.
        try (Connection lock = home.connect("compare")) {
            String started = comparisonBlockedBy(lock);

            String kafka = SharedServers.kafka().bootstrapServers();
            long epoch = io.lifeboat.events.testing.FailoverStates.current(kafka).orElse(0) + 1;
            CommandFinished promoted = new Commands(kafka, LINK).run(CommandName.PROMOTE, epoch,
                    CommandParameters.promote(null, Instant.now()), SOON);
            assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
            // The tables it had read at the standby were share-locked by it: the promotion ended its session there
            // rather than wait for the comparison behind the guard's lift.
            assertThat(promoted.details()).containsEntry("comparisonSessionsEnded", "1");

            // Still under the lock: only the stop can have ended it.
            JsonPath last = awaitEnded(started);
            assertThat(last.getString("outcome")).as(last.prettify()).isEqualTo("NOT_COMPARED");
            assertThat(last.getString("reason")).startsWith("stopped: the link became PROMOTED");
            assertThat(comparisonWaitsOnALock(home)).as("the source's query was cancelled").isFalse();
            lock.rollback();
        }
    }

    /**
     * Locks shop.big on {@code lock} and starts a comparison: it reads the tables before it at both sites, then waits
     * at the source for that lock, until something stops it.
     *
     * @return when it started
     */
    private static String comparisonBlockedBy(Connection lock) throws SQLException {
        lock.setAutoCommit(false);
        try (Statement s = lock.createStatement()) {
            s.execute("LOCK TABLE shop.big IN ACCESS EXCLUSIVE MODE");
        }
        String started = given().baseUri(service.url()).auth().oauth2(LinkEnvironment.OPERATOR)
                .post("/links/" + LINK + "/compare").then().statusCode(202).extract().jsonPath().getString("startedAt");
        await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() -> comparisonWaitsOnALock(home));
        return started;
    }

    /** The comparison started at {@code started}, once it is no longer RUNNING. */
    private static JsonPath awaitEnded(String started) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = given().baseUri(service.url()).get("/links/" + LINK + "/compare").then().extract()
                    .jsonPath().setRootPath("comparisons[0]");
            return started.equals(last[0].getString("startedAt")) && !"RUNNING".equals(last[0].getString("outcome"));
        });
        return last[0];
    }

    private static boolean comparisonWaitsOnALock(PostgresServer site) throws SQLException {
        try (Connection c = site.connect("compare"); Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name"
                     + " LIKE 'lifeboat-compare-%' AND wait_event_type = 'Lock'")) {
            r.next();
            return r.getLong(1) > 0;
        }
    }
}
