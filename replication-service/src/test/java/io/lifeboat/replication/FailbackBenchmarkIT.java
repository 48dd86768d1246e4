package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Reprotect after a disaster: the time from the failback's REVERSE until both directions stream again (REVERSE,
 * the switchover's planned PROMOTE of home, REVERSE again, each standby CONSISTENT), by difference against the full
 * copies every failback made before (forced here by dropping the promotion slot before each REVERSE), on two links of
 * the same size on the same servers in the same run. {@code -Dtests.bench.failback-rows} (5,000,000 over 4 tables),
 * {@code -Dtests.bench.disaster-seconds} (60: how long the promoted site writes before home is back).
 *
 * <p>Then the full copy as it was when issue 17 was filed, whose failbacks made two: every row of a database of the
 * same size through Debezium, Kafka and the applier. Its code is gone (copies are made by COPY now), so a third link,
 * streaming from empty tables, carries the same rows the way that copy carried them; one direction is timed.
 */
@Tag("benchmark")
class FailbackBenchmarkIT {

    private static final int ROWS = Integer.getInteger("tests.bench.failback-rows", 5_000_000);
    /** Where the disaster's new rows' ids begin: above every table's loaded ids, whatever the size. */
    private static final long NEW_IDS = Math.max(10_000_000L, 2L * ROWS);
    private static final int DISASTER_SECONDS = Integer.getInteger("tests.bench.disaster-seconds", 60);
    private static final int TABLES = 4;
    private static final List<String> LINKS = List.of("bydiff", "bycopy");
    /** The link whose rows go through the pipeline, as a full copy went before COPY. */
    private static final String PIPELINE = "bypipeline";
    private static int epoch = 1;

    @Test
    void failbackByDifferenceAgainstFullCopies() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-failback-");
        try (KafkaBroker kafka = new KafkaBroker(work.resolve("kafka")).start();
             PostgresServer home = new PostgresServer("home", work.resolve("home")).start();
             PostgresServer offsite = new PostgresServer("offsite", work.resolve("offsite")).start()) {
            for (String link : List.of("bydiff", "bycopy", PIPELINE)) {
                for (PostgresServer pg : List.of(home, offsite)) {
                    pg.createDatabase(link);
                    sql(pg, link, "CREATE SCHEMA bench");
                    for (int t = 1; t <= TABLES; t++) {
                        sql(pg, link, "CREATE TABLE bench.t" + t + " (id bigint PRIMARY KEY, name text,"
                                + " amount numeric(12,2), at timestamptz)");
                    }
                }
                for (int t = 1; t <= TABLES && !link.equals(PIPELINE); t++) {
                    sql(home, link, "INSERT INTO bench.t" + t + " SELECT g, 'name ' || g, g * 1.25, now() FROM"
                            + " generate_series(1, " + (ROWS / TABLES) + ") g");
                }
            }
            Map<String, String> env = LinkEnvironment.of("bydiff", kafka.bootstrapServers(), home, "bydiff", offsite,
                    "bydiff", "bench");
            env.putAll(LinkEnvironment.of("bycopy", kafka.bootstrapServers(), home, "bycopy", offsite, "bycopy",
                    "bench"));
            env.putAll(LinkEnvironment.of(PIPELINE, kafka.bootstrapServers(), home, PIPELINE, offsite, PIPELINE,
                    "bench"));
            try (ServiceProcess service = new ServiceProcess("replication-service",
                    Path.of(System.getProperty("lifeboat.service.jar")), FreePorts.next(), env, ReplicationBenchmarkIT.serviceJvm(),
                    work)) {
                service.start();
                service.awaitReady(Duration.ofSeconds(120));
                List.of("bydiff", "bycopy", PIPELINE).forEach(link -> awaitConsistent(service, link));

                // The disaster: the service dies, home writes on for a while unheard, then loses its power.
                service.kill();
                long stranded = 0;
                for (String link : LINKS) {
                    stranded = write(home, link, Duration.ofSeconds(5), NEW_IDS);
                }
                home.kill();
                service.start();
                service.awaitReady(Duration.ofSeconds(120));
                new Commands(kafka.bootstrapServers(), "bydiff").probe(++epoch);
                for (String link : LINKS) {
                    ok(kafka, link, CommandName.PROMOTE, CommandParameters.promote(null, Instant.now()));
                }
                long disasterWrites = 0;
                for (String link : LINKS) { // the promoted site writes for the disaster's length (half per link)
                    disasterWrites = write(offsite, link, Duration.ofSeconds(DISASTER_SECONDS / 2), 2 * NEW_IDS);
                }
                home.start();

                double[] seconds = new double[2];
                double proof = 0;
                for (int i = 0; i < LINKS.size(); i++) {
                    String link = LINKS.get(i);
                    boolean full = link.equals("bycopy");
                    // The three steps at one epoch through clients opened beforehand, as a failback run sends them.
                    try (Commands.Session steps = new Commands(kafka.bootstrapServers(), link).session(++epoch)) {
                        Instant start = Instant.now();
                        if (full) {
                            sql(offsite, link, "SELECT pg_drop_replication_slot('lifeboat_" + link + "')");
                        }
                        ok(steps, link, CommandName.REVERSE, CommandParameters.none());
                        awaitConsistent(service, link);
                        ok(steps, link, CommandName.PROMOTE, CommandParameters.plannedPromote(null));
                        if (full) {
                            sql(home, link, "SELECT pg_drop_replication_slot('lifeboat_" + link + "')");
                        }
                        ok(steps, link, CommandName.REVERSE, CommandParameters.none());
                        awaitConsistent(service, link);
                        seconds[i] = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                    }
                    if (!full) {
                        // The failback's proof by hashes reads both databases whole: not counted, and over before
                        // the other link is measured, so that it does not slow the full copies down.
                        Instant proving = Instant.now();
                        awaitWayHomeProven(service, link);
                        proof = Duration.between(proving, Instant.now()).toMillis() / 1000.0;
                    }
                }
                double[] pipeline = throughThePipeline(service, home, offsite);
                String table = String.format("""

                        failback benchmark (%s, %d cores): %d rows in %d tables per link; home wrote %d rows
                        unheard for 5 s before its power cut, offsite %d rows in %d s after its promotion
                                                                   full copies (before)   by difference   ratio
                          seconds, failback REVERSE until both directions
                          stream again (REVERSE, PROMOTE home, REVERSE)   %12.1f   %12.1f   %6.1fx
                          then the way home proven equal by hashes (not counted): %.1f s
                        the full copy when issue 17 was filed (every row through Debezium, Kafka and the applier;
                        a failback made two), one direction timed: %.1f s (%.0f rows/s; the rows were loaded at the
                        source in %.1f s beforehand) = %.1fx the failback by difference
                          load average at the end: %s
                        """, Instant.now(), Runtime.getRuntime().availableProcessors(), ROWS, TABLES, stranded,
                        disasterWrites, DISASTER_SECONDS / 2, seconds[1], seconds[0], seconds[1] / seconds[0], proof,
                        pipeline[0], ROWS / pipeline[0], pipeline[1], pipeline[0] / seconds[0],
                        Files.readString(Path.of("/proc/loadavg")).trim());
                System.out.println(table);
                Files.writeString(Path.of("target", "failback-benchmark.txt"), table);
            }
        }
    }

    /**
     * The full copy as it went before COPY, one direction: the service down, the database's rows are written at home
     * (transactions of 10,000), then timed from the service's readiness (its JVM's start not counted) until offsite
     * holds the last one; whole transactions are applied in commit order, so it holds them all, counted once at the
     * end. Returns the seconds of the copy and of the load.
     */
    private static double[] throughThePipeline(ServiceProcess service, PostgresServer home, PostgresServer offsite)
            throws Exception {
        service.kill();
        Instant loading = Instant.now();
        int perTable = ROWS / TABLES;
        try (Connection c = home.connect(PIPELINE); Statement s = c.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                for (int from = 1; from <= perTable; from += 10_000) {
                    s.execute("INSERT INTO bench.t" + t + " SELECT g, 'name ' || g, g * 1.25, now() FROM"
                            + " generate_series(" + from + ", " + Math.min(from + 9_999, perTable) + ") g");
                }
            }
        }
        double load = Duration.between(loading, Instant.now()).toMillis() / 1000.0;
        service.start();
        service.awaitReady(Duration.ofSeconds(120));
        Instant start = Instant.now();
        await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = offsite.connect(PIPELINE); Statement s = c.createStatement();
                 var r = s.executeQuery("SELECT count(*) FROM bench.t" + TABLES + " WHERE id = " + perTable)) {
                r.next();
                return r.getLong(1) == 1;
            }
        });
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        long copied = 0;
        try (Connection c = offsite.connect(PIPELINE); Statement s = c.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                try (var r = s.executeQuery("SELECT count(*) FROM bench.t" + t)) {
                    r.next();
                    copied += r.getLong(1);
                }
            }
        }
        if (copied != (long) perTable * TABLES) {
            throw new AssertionError("offsite holds " + copied + " of the " + perTable * TABLES + " rows written");
        }
        return new double[] {seconds, load};
    }

    /** Updates and inserts at {@code site} for a while, 2,000 rows/s in transactions of 100; returns the rows written. */
    private static long write(PostgresServer site, String db, Duration during, long firstNewId) throws SQLException {
        AtomicLong rows = new AtomicLong();
        Instant end = Instant.now().plus(during);
        long next = firstNewId;
        try (Connection c = site.connect(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            while (Instant.now().isBefore(end)) {
                int t = 1 + (int) (next % TABLES);
                s.execute("UPDATE bench.t" + t + " SET amount = amount + 1 WHERE id BETWEEN " + (next % (ROWS / TABLES))
                        + " AND " + (next % (ROWS / TABLES) + 49));
                s.execute("INSERT INTO bench.t" + t + " SELECT g, 'new', 1, now() FROM generate_series(" + next
                        + ", " + (next + 49) + ") g");
                c.commit();
                next += 50;
                rows.addAndGet(100);
                // The application's write rate, as the steady benchmark's (2,000 rows/s): a load, not a wait.
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
        return rows.get();
    }

    private static void ok(KafkaBroker kafka, String link, CommandName name, CommandParameters parameters)
            throws Exception {
        try (Commands.Session step = new Commands(kafka.bootstrapServers(), link).session(++epoch)) {
            ok(step, link, name, parameters);
        }
    }

    private static void ok(Commands.Session steps, String link, CommandName name, CommandParameters parameters)
            throws Exception {
        CommandFinished done = steps.run(name, parameters, Duration.ofMinutes(20));
        if (done.outcome() != CommandOutcome.DONE) {
            throw new AssertionError(name + " " + link + ": " + done.reason());
        }
    }

    private static void awaitConsistent(ServiceProcess service, String link) {
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).until(() -> "CONSISTENT".equals(
                given().baseUri(service.url()).get("/links/" + link).then().extract().jsonPath()
                        .getString("consistency.state")));
    }

    /** Until a comparison home → offsite of the link found both equal (the failback's proof, owed after REVERSE). */
    private static void awaitWayHomeProven(ServiceProcess service, String link) {
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() -> !given()
                .baseUri(service.url()).get("/links/" + link + "/compare").then().extract().jsonPath()
                .getList("comparisons.findAll { it.outcome == 'EQUAL' && it.sourceSite == 'home' }").isEmpty());
    }

    private static void sql(PostgresServer pg, String db, String statement) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
