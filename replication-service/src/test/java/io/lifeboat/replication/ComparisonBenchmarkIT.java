package io.lifeboat.replication;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.SharedServers;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * How fast a comparison by hashes reads each side: {@code -Dtests.bench.compare-rows} rows (2,000,000, spread over
 * 4 tables, the first copy's table shape) at both sites, compared equal, then with one value changed at the standby
 * (the narrowing down to its key). Rows/s per side: each side reads all its rows once for an equal comparison, both
 * sides at once. The peer, in the same run: PostgreSQL alone computing the same row hashes, one query per table
 * at each site, both sites at once: the least any comparison by row hashes reads and computes.
 */
@Tag("benchmark")
class ComparisonBenchmarkIT {

    private static final int ROWS = Integer.getInteger("tests.bench.compare-rows", 2_000_000);
    private static final int TABLES = 4;
    private static final int RUNS = Integer.getInteger("tests.bench.compare-runs", 3);

    @Test
    void comparisonSpeed() throws Exception {
        PostgresServer home = SharedServers.postgres("home");
        PostgresServer offsite = SharedServers.postgres("offsite");
        for (PostgresServer pg : List.of(home, offsite)) {
            pg.createDatabase("compare_bench");
            try (Connection c = pg.connect("compare_bench"); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA bench");
                for (int t = 1; t <= TABLES; t++) {
                    s.execute("CREATE TABLE bench.t" + t + " (id bigint PRIMARY KEY, name text, amount numeric(12,2),"
                            + " at timestamptz, tags text[], doc jsonb)");
                }
            }
        }
        try (Connection h = home.connect("compare_bench"); Statement s = h.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                s.execute("INSERT INTO bench.t" + t + " SELECT g, 'name ' || g, g * 1.25, now() - g * interval '1 s',"
                        + " ARRAY['a' || (g % 7), 'b'], jsonb_build_object('k', g) FROM generate_series(1, "
                        + (ROWS / TABLES) + ") g");
            }
            s.execute("VACUUM ANALYZE");
        }
        Map<String, String> env = LinkEnvironment.of("cmpbench", SharedServers.kafka().bootstrapServers(), home,
                "compare_bench", offsite, "compare_bench", "bench");
        env.put("LIFEBOAT_REPLICATION_COMPARE_INTERVAL", "off");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-compare-");
        StringBuilder lines = new StringBuilder();
        try (ServiceProcess service = new ServiceProcess("replication-service",
                Path.of(System.getProperty("lifeboat.service.jar")), FreePorts.next(), env,
                ReplicationBenchmarkIT.serviceJvm(), logs)) {
            service.start();
            service.awaitReady(Duration.ofSeconds(120));
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    "CONSISTENT".equals(given().baseUri(service.url()).get("/links/cmpbench").then().extract()
                            .jsonPath().getString("consistency.state")));
            try (Connection o = offsite.connect("compare_bench"); Statement s = o.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            lines.append(postgresAlone(home, offsite));
            for (int run = 1; run <= RUNS; run++) {
                lines.append(line("equal", run, compare(service), "EQUAL"));
            }
            try (Connection o = offsite.connect("compare_bench"); Statement s = o.createStatement()) {
                s.execute("SET session_replication_role = replica");
                s.execute("UPDATE bench.t1 SET amount = amount + 0.01 WHERE id = " + (ROWS / TABLES / 3));
            }
            for (int run = 1; run <= RUNS; run++) {
                lines.append(line("one value changed", run, compare(service), "DIFFERENT"));
            }
        }
        String table = String.format("""

                comparison benchmark (%s, %d cores): %d rows in %d tables at each site, both sites compared at once
                %s  load average at the end: %s
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), ROWS, TABLES, lines,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(table);
        Files.writeString(Path.of("target", "comparison-benchmark.txt"), table);
    }

    /** The same row hash as the comparison's (TableSql), summed over each whole table, at both sites at once. */
    private static String postgresAlone(PostgresServer home, PostgresServer offsite) throws Exception {
        Instant start = Instant.now();
        List<java.util.concurrent.CompletableFuture<String>> sides = List.of(home, offsite).stream()
                .map(site -> java.util.concurrent.CompletableFuture.supplyAsync(() -> hashAll(site))).toList();
        List<String> sums = sides.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        if (!sums.get(0).equals(sums.get(1))) {
            throw new AssertionError("PostgreSQL alone: the sites' hashes differ: " + sums);
        }
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        return String.format("  %-18s      %,d rows per side in %.2f s: %,.0f rows/s per side (PostgreSQL alone, the"
                + " same row hashes, one query per table)%n", "peer", ROWS, seconds, ROWS / seconds);
    }

    private static String hashAll(PostgresServer site) {
        StringBuilder sums = new StringBuilder();
        try (Connection c = site.connect("compare_bench"); Statement s = c.createStatement()) {
            // Both servers run with the same settings here, so the comparison's canonical text settings are not set.
            for (int t = 1; t <= TABLES; t++) {
                try (var r = s.executeQuery("SELECT count(*), sum(('x' || left(md5(ROW(id, name, amount, at, tags,"
                        + " doc)::text), 16))::bit(64)::bigint) FROM ONLY bench.t" + t)) {
                    r.next();
                    sums.append(r.getLong(1)).append(':').append(r.getString(2)).append(' ');
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return sums.toString();
    }

    private static JsonPath compare(ServiceProcess service) {
        String started = given().baseUri(service.url()).auth().oauth2(LinkEnvironment.OPERATOR).post("/links/cmpbench/compare").then().statusCode(202)
                .extract().jsonPath().getString("startedAt");
        JsonPath[] done = new JsonPath[1];
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath p = given().baseUri(service.url()).get("/links/cmpbench/compare").then().extract().jsonPath();
            done[0] = p;
            return started.equals(p.getString("comparisons[0].startedAt"))
                    && !"RUNNING".equals(p.getString("comparisons[0].outcome"));
        });
        return done[0].setRootPath("comparisons[0]");
    }

    private static String line(String what, int run, JsonPath r, String expected) {
        if (!expected.equals(r.getString("outcome"))) {
            throw new AssertionError("comparison " + what + " ended " + r.prettify());
        }
        double seconds = Duration.between(Instant.parse(r.getString("startedAt")),
                Instant.parse(r.getString("finishedAt"))).toMillis() / 1000.0;
        long rows = r.getLong("sourceRows");
        return String.format("  %-18s run %d: %,d rows per side in %.2f s: %,.0f rows/s per side%s%n", what, run, rows,
                seconds, rows / seconds, "DIFFERENT".equals(expected) ? ", found " + r.getList("differences[0].keys")
                        : "");
    }
}
