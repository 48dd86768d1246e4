package io.lifeboat.replication;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The first copy of a link, Lifeboat's COPY from one snapshot against PostgreSQL's own table synchronisation
 * ({@code CREATE SUBSCRIPTION … copy_data}), from the same source database to two target databases on the same
 * servers, in the same run. {@code -Dtests.bench.copy-rows} (5,000,000, spread over 4 tables).
 */
@Tag("benchmark")
class FirstCopyBenchmarkIT {

    private static final int ROWS = Integer.getInteger("tests.bench.copy-rows", 5_000_000);
    private static final int TABLES = 4;

    @Test
    void firstCopyAgainstCreateSubscription() throws Exception {
        PostgresServer home = SharedServers.postgres("home");
        PostgresServer offsite = SharedServers.postgres("offsite");
        home.createDatabase("copy_source");
        offsite.createDatabase("copy_native");
        offsite.createDatabase("copy_lifeboat");
        for (Connection c : List.of(home.connect("copy_source"), offsite.connect("copy_native"),
                offsite.connect("copy_lifeboat"))) {
            try (c; Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA copy");
                for (int t = 1; t <= TABLES; t++) {
                    s.execute("CREATE TABLE copy.t" + t + " (id bigint PRIMARY KEY, name text, amount numeric(12,2),"
                            + " at timestamptz, tags text[], doc jsonb)");
                }
            }
        }
        try (Connection h = home.connect("copy_source"); Statement s = h.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                s.execute("INSERT INTO copy.t" + t + " SELECT g, 'name ' || g, g * 1.25, now() - g * interval '1 s',"
                        + " ARRAY['a' || (g % 7), 'b'], jsonb_build_object('k', g) FROM generate_series(1, "
                        + (ROWS / TABLES) + ") g");
            }
            s.execute("VACUUM ANALYZE");
            s.execute("CREATE PUBLICATION copy_native FOR TABLES IN SCHEMA copy");
        }

        settle(home, offsite, null);
        // PostgreSQL's own: a subscription with copy_data, until every table is ready.
        Instant nativeStart = Instant.now();
        try (Connection o = offsite.connect("copy_native"); Statement s = o.createStatement()) {
            s.execute("CREATE SUBSCRIPTION copy_native CONNECTION 'host=" + home.host() + " port=" + home.port()
                    + " dbname=copy_source user=" + home.user() + " password=" + home.password()
                    + "' PUBLICATION copy_native WITH (copy_data = true)");
        }
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection o = offsite.connect("copy_native"); Statement s = o.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE srsubstate = 'r'), count(*)"
                         + " FROM pg_subscription_rel")) {
                r.next();
                return r.getLong(2) == TABLES && r.getLong(1) == TABLES;
            }
        });
        double nativeSeconds = Duration.between(nativeStart, Instant.now()).toMillis() / 1000.0;
        try (Connection o = offsite.connect("copy_native"); Statement s = o.createStatement()) {
            s.execute("DROP SUBSCRIPTION copy_native");
        }
        // Each copy starts on quiet servers: without this, the peer's aftermath (autovacuum of its 5,000,000 new rows,
        // the checkpoint its WAL calls for) ran during Lifeboat's copy, on the same two cores.
        settle(home, offsite, "copy_native");

        Map<String, String> env = LinkEnvironment.of("copy", SharedServers.kafka().bootstrapServers(), home,
                "copy_source", offsite, "copy_lifeboat", "copy");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-copy-");
        double lifeboatSeconds;
        double copySeconds;
        try (ServiceProcess service = new ServiceProcess("replication-service",
                Path.of(System.getProperty("lifeboat.service.jar")), FreePorts.next(), env, ReplicationBenchmarkIT.serviceJvm(), logs)) {
            Instant start = Instant.now();
            service.start();
            service.awaitReady(Duration.ofSeconds(120));
            // Polled with the JDK's client and Jackson: REST-assured's Groovy paths, in this C1-only test JVM, took
            // 40-67 % of a core at this rate, during Lifeboat's copy only (the peer's side is polled by JDBC).
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest status = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(service.url() + "/links/copy")).build();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(200)).until(() -> "CONSISTENT"
                    .equals(json.readTree(http.send(status, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                            .path("consistency").path("state").asText()));
            lifeboatSeconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            String log = Files.readString(service.log());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("copied \\d+ tables, \\d+ rows in (\\d+) ms")
                    .matcher(log);
            copySeconds = m.find() ? Long.parseLong(m.group(1)) / 1000.0 : Double.NaN;
        }
        long nativeRows = count(offsite, "copy_native");
        long lifeboatRows = count(offsite, "copy_lifeboat");
        String table = String.format("""

                first copy benchmark (%s, %d cores): %d rows in %d tables, one source, two targets
                                                      PostgreSQL copy_data   Lifeboat (COPY)   ratio
                  rows copied                         %12d   %12d
                  seconds, until consistent           %12.1f   %12.1f (the COPY itself %.1f s)
                  rows/s                              %12.0f   %12.0f    %6.2f
                  load average at the end: %s
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), ROWS, TABLES, nativeRows,
                lifeboatRows, nativeSeconds, lifeboatSeconds, copySeconds, ROWS / nativeSeconds,
                ROWS / lifeboatSeconds, nativeSeconds / lifeboatSeconds, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(table);
        Files.writeString(Path.of("target", "first-copy-benchmark.txt"), table);
        if (nativeRows != ROWS || lifeboatRows != ROWS) {
            throw new AssertionError("a copy is incomplete: PostgreSQL " + nativeRows + ", Lifeboat " + lifeboatRows
                    + " of " + ROWS);
        }
    }

    /** A checkpoint at both servers, after a VACUUM of the copy just made there (uncounted, before a timed copy). */
    private static void settle(PostgresServer home, PostgresServer offsite, String copied) throws SQLException {
        if (copied != null) {
            try (Connection c = offsite.connect(copied); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
        }
        for (PostgresServer server : List.of(home, offsite)) {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
        }
    }

    private static long count(PostgresServer server, String db) throws SQLException {
        long rows = 0;
        try (Connection c = server.connect(db); Statement s = c.createStatement()) {
            for (int t = 1; t <= TABLES; t++) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM copy.t" + t)) {
                    r.next();
                    rows += r.getLong(1);
                }
            }
        }
        return rows;
    }
}
