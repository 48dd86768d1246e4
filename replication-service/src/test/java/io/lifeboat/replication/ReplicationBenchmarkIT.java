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
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Lag at a steady rate and catch-up speed of a burst, through the service (packaged, own JVM) and through
 * PostgreSQL's own logical replication between the same two servers, side by side. Lag of a row = its
 * {@code applied_at} (a default only the target's table has) minus its {@code created_at} at the source.
 *
 * <p>{@code -Dtests.bench.steady-seconds} (60), {@code -Dtests.bench.rate} (2000 rows/s),
 * {@code -Dtests.bench.burst-rows} (200000), {@code -Dtests.bench.warmup-seconds} (20: the same steady load first,
 * reported on its own line; 0 for none). (Not {@code lifeboat.*}: Quarkus refuses unknown keys of its own
 * namespace, and Maven hands -D properties to every JVM it forks.)
 */
@Tag("benchmark")
class ReplicationBenchmarkIT {

    private static final int STEADY_SECONDS = Integer.getInteger("tests.bench.steady-seconds", 60);
    private static final int RATE = Integer.getInteger("tests.bench.rate", 2000);
    private static final int BURST = Integer.getInteger("tests.bench.burst-rows", 200_000);
    private static final int WARMUP_SECONDS = Integer.getInteger("tests.bench.warmup-seconds", 20);

    private record Figures(double p50, double p95, double p99, long rows, double burstRowsPerSecond, double[] warmUp,
            double capturedRowsPerSecond, Map<Integer, Double> transactionRates) {
    }

    /** Rows per transaction of the apply-rate runs, and rows written in each. */
    private static final int[] TRANSACTION_SIZES = {1, 10, 100};
    private static final int TRANSACTION_ROWS = Integer.getInteger("tests.bench.transaction-rows", 20_000);

    @Test
    void lifeboatAgainstPostgresLogicalReplication() throws Exception {
        PostgresServer home = SharedServers.postgres("home");
        PostgresServer offsite = SharedServers.postgres("offsite");
        for (String db : List.of("bench_lifeboat", "bench_native", DebeziumAlone.DATABASE)) {
            home.createDatabase(db);
            offsite.createDatabase(db);
            try (Connection h = home.connect(db); Connection o = offsite.connect(db)) {
                createTables(h, false);
                createTables(o, true);
            }
        }

        // PostgreSQL's own: publication at home, subscription at offsite.
        try (Connection h = home.connect("bench_native"); Statement s = h.createStatement()) {
            s.execute("CREATE PUBLICATION bench_pub FOR TABLE bench.events");
        }
        try (Connection o = offsite.connect("bench_native"); Statement s = o.createStatement()) {
            s.execute("CREATE SUBSCRIPTION bench_sub CONNECTION 'host=" + home.host() + " port=" + home.port()
                    + " dbname=bench_native user=" + home.user() + " password=" + home.password()
                    + "' PUBLICATION bench_pub");
        }
        // Measured once the subscription's initial copy is done and its apply worker streams, as for Lifeboat.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection o = offsite.connect("bench_native"); Statement s = o.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")) {
                r.next();
                return r.getLong(1) == 0;
            }
        });
        Figures pg = run(home, offsite, "bench_native", null);
        // The bound for any pipeline built on the Debezium embedded engine: the capture alone, same configuration.
        DebeziumAlone.Figures debezium = DebeziumAlone.measure(home, offsite, SharedServers.kafka().bootstrapServers(),
                WARMUP_SECONDS + STEADY_SECONDS, BURST);

        Map<String, String> env = LinkEnvironment.of("bench", SharedServers.kafka().bootstrapServers(), home,
                "bench_lifeboat", offsite, "bench_lifeboat", "bench");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-");
        try (ServiceProcess service = new ServiceProcess("replication-service", Path.of(System.getProperty("lifeboat.service.jar")),
                FreePorts.next(), env, serviceJvm(), logs)) {
            service.start();
            service.awaitReady(Duration.ofSeconds(60));
            awaitRows(offsite, "bench_lifeboat", 1, Duration.ofSeconds(120)); // the snapshot is applied
            awaitStreaming(service); // and capture has moved on from the snapshot to the slot
            Figures lifeboat = run(home, offsite, "bench_lifeboat", service);
            print(pg, debezium, lifeboat);
        }
    }

    private static final AtomicLong PEAK_RSS = new AtomicLong();
    private static final String LOAD_AT_START = loadAverage();

    /** 1, 5 and 15 minute load averages: the machine is shared, the figures move with it. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * The service's JVM as the README recommends running it (GC log next to the jar, for the record). C1 only
     * ({@code TieredStopAtLevel=1}): C2's compilations took the first 10-20 s of a run away from the work on two busy
     * cores (lag p99 of 0.6-2 s while warming up) and its arenas were ~25 MB of the resident set at the burst. A young
     * generation of more than half the heap with large survivor spaces: the changes in flight (Debezium's queue, the
     * producer's buffer, the applier's fetched batch) live a few hundred ms and must die young, not be promoted into
     * old-gen and collected by full GCs.
     */
    private static final List<String> SERVICE_JVM = List.of("-Xmx96m", "-Xmn56m", "-XX:SurvivorRatio=3",
            "-XX:TargetSurvivorRatio=80", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:MetaspaceSize=96m", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m",
            "-XX:MaxDirectMemorySize=32m", "-XX:TrimNativeHeapInterval=5000", "-Djdk.nio.maxCachedBufferSize=262144",
            "-Xlog:gc:file=gc.log");

    private static void createTables(Connection c, boolean target) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("CREATE TABLE IF NOT EXISTS bench.events (id bigint PRIMARY KEY, payload text,"
                    + " created_at timestamptz NOT NULL DEFAULT clock_timestamp()"
                    + (target ? ", applied_at timestamptz NOT NULL DEFAULT clock_timestamp()" : "") + ")");
            if (!target) {
                s.execute("INSERT INTO bench.events (id, payload) VALUES (0, 'warm-up') ON CONFLICT DO NOTHING");
            }
        }
    }

    private Figures run(PostgresServer home, PostgresServer offsite, String db, ServiceProcess service) throws Exception {
        awaitRows(offsite, db, 1, Duration.ofSeconds(120));
        // Steady: RATE rows a second, one transaction every 10 ms.
        // Warm-up (reported on its own line, not in the steady figures): the same load for WARMUP_SECONDS first, so
        // that the steady figures are those of a running service, not of its JIT compiling on two busy cores.
        long id = 1;
        double[] warm = null;
        if (WARMUP_SECONDS > 0) {
            id = steady(home, db, id, WARMUP_SECONDS);
            awaitRows(offsite, db, id, Duration.ofSeconds(300));
            warm = percentiles(offsite, db, 1, id - 1);
        }
        long steadyFirst = id;
        id = steady(home, db, id, STEADY_SECONDS);
        long steadyRows = id - steadyFirst;
        awaitRows(offsite, db, id, Duration.ofSeconds(300));
        double[] p = percentiles(offsite, db, steadyFirst, id - 1);
        lagOverTime(offsite, db, steadyFirst, id - 1);
        // Burst: BURST rows in transactions of 10,000, as fast as the source takes them.
        long first = id;
        PEAK_RSS.set(0);
        Thread sampler = service == null ? null : rssSampler();
        CaptureProgress capture = service == null ? null : CaptureProgress.start(service, BURST);
        try (Connection h = home.connect(db); Statement s = h.createStatement()) {
            for (long from = first; from < first + BURST; from += 10_000) {
                s.execute("INSERT INTO bench.events (id, payload) SELECT g, md5(g::text) FROM generate_series(" + from
                        + ", " + Math.min(from + 9_999, first + BURST - 1) + ") g");
            }
        }
        awaitRows(offsite, db, first + BURST, Duration.ofSeconds(600));
        if (sampler != null) {
            sampler.interrupt();
        }
        long capturedAtMillis = capture == null ? 0 : capture.stop();
        double rowsPerSecond;
        double capturedRowsPerSecond;
        try (Connection h = home.connect(db); Connection o = offsite.connect(db);
             Statement sh = h.createStatement(); Statement so = o.createStatement();
             ResultSet began = sh.executeQuery("SELECT extract(epoch FROM min(created_at)) FROM bench.events WHERE id >= " + first);
             ResultSet ended = so.executeQuery("SELECT extract(epoch FROM max(applied_at)) FROM bench.events WHERE id >= " + first)) {
            began.next();
            ended.next();
            rowsPerSecond = BURST / (ended.getDouble(1) - began.getDouble(1));
            capturedRowsPerSecond = capturedAtMillis == 0 ? 0 : BURST / (capturedAtMillis / 1000.0 - began.getDouble(1));
        }
        Map<Integer, Double> rates = new java.util.LinkedHashMap<>();
        long next = first + BURST;
        for (int size : TRANSACTION_SIZES) {
            rates.put(size, transactions(home, offsite, db, next, size));
            next += TRANSACTION_ROWS;
        }
        return new Figures(p[0], p[1], p[2], steadyRows, rowsPerSecond, warm, capturedRowsPerSecond, rates);
    }

    /**
     * Apply rate of small transactions: TRANSACTION_ROWS rows written as fast as one connection commits them, in
     * transactions of {@code size} rows; rows/s from the first row's commit at the source to the last one's
     * application at the target. Whole-transaction apply pays per transaction, not per row.
     */
    private static double transactions(PostgresServer home, PostgresServer offsite, String db, long first, int size)
            throws Exception {
        try (Connection h = home.connect(db); Statement s = h.createStatement()) {
            for (long from = first; from < first + TRANSACTION_ROWS; from += size) {
                s.execute("INSERT INTO bench.events (id, payload) SELECT g, md5(g::text) FROM generate_series(" + from
                        + ", " + (from + size - 1) + ") g");
            }
        }
        awaitRows(offsite, db, first + TRANSACTION_ROWS, Duration.ofSeconds(600));
        try (Connection h = home.connect(db); Connection o = offsite.connect(db);
             Statement sh = h.createStatement(); Statement so = o.createStatement();
             ResultSet began = sh.executeQuery("SELECT extract(epoch FROM min(created_at)) FROM bench.events WHERE id >= "
                     + first);
             ResultSet ended = so.executeQuery("SELECT extract(epoch FROM max(applied_at)) FROM bench.events WHERE id >= "
                     + first)) {
            began.next();
            ended.next();
            return TRANSACTION_ROWS / (ended.getDouble(1) - began.getDouble(1));
        }
    }

    /** RATE rows a second for {@code seconds}, one transaction every 10 ms, ids from {@code id}; the next free id. */
    static long steady(PostgresServer home, String db, long id, int seconds) throws SQLException {
        int perTick = Math.max(1, RATE / 100);
        try (Connection h = home.connect(db); Statement s = h.createStatement()) {
            long start = System.nanoTime();
            long ticks = seconds * 100L;
            for (long tick = 0; tick < ticks; tick++) {
                long due = start + tick * 10_000_000L;
                // Pacing the load generator (not synchronising a test). Parked, not spinning: a spinning generator
                // took one of the machine's two cores away from the databases, the broker and the service.
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                s.execute("INSERT INTO bench.events (id, payload) SELECT g, md5(g::text) FROM generate_series(" + id
                        + ", " + (id + perTick - 1) + ") g");
                id += perTick;
            }
        }
        return id;
    }

    /** Lag p50, p95, p99 (ms) of the rows with ids from..to. */
    private static double[] percentiles(PostgresServer offsite, String db, long from, long to) throws SQLException {
        try (Connection o = offsite.connect(db); Statement s = o.createStatement();
             ResultSet r = s.executeQuery("SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY"
                     + " extract(epoch FROM applied_at - created_at) * 1000) FROM bench.events WHERE id BETWEEN "
                     + from + " AND " + to)) {
            r.next();
            Double[] values = (Double[]) r.getArray(1).getArray();
            return new double[] {values[0], values[1], values[2]};
        }
    }

    /** p99 lag per 10 s window of the steady run: shows whether the tail is warm-up or spread over the run. */
    private static void lagOverTime(PostgresServer offsite, String db, long from, long to) throws SQLException {
        StringBuilder line = new StringBuilder("  " + db + " lag p99 per 10 s window (ms):");
        try (Connection o = offsite.connect(db); Statement s = o.createStatement();
             ResultSet r = s.executeQuery("WITH e AS (SELECT created_at, applied_at, min(created_at) OVER () AS t0"
                     + " FROM bench.events WHERE id BETWEEN " + from + " AND " + to + ") SELECT floor(extract(epoch FROM"
                     + " created_at - t0) / 10) AS w, percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM"
                     + " applied_at - created_at) * 1000) FROM e GROUP BY w ORDER BY w")) {
            while (r.next()) {
                line.append(String.format(" %.0f", r.getDouble(2)));
            }
        }
        WINDOWS.append(line).append('\n');
        System.out.println(line);
    }

    /**
     * The service's JVM as deployed, for every benchmark of this module; {@code
     * -Dtests.bench.service-jvm-options="..."} adds options, e.g. a flight recording for profiling.
     */
    static List<String> serviceJvm() {
        List<String> options = new java.util.ArrayList<>(SERVICE_JVM);
        options.addAll(extraServiceJvm());
        return options;
    }

    private static List<String> extraServiceJvm() {
        String extra = System.getProperty("tests.bench.service-jvm-options", "").trim();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    private static final StringBuilder WINDOWS = new StringBuilder();

    /** The service's resident set, sampled from /proc while the burst is applied. */
    private static Thread rssSampler() {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar"))
                        .forEach(p -> {
                            try {
                                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                                    if (line.startsWith("VmRSS:")) {
                                        long kb = Long.parseLong(line.replaceAll("\\D", ""));
                                        PEAK_RSS.accumulateAndGet(kb * 1024, Math::max);
                                    }
                                }
                            } catch (Exception gone) {
                                // the process ended between listing and reading
                            }
                        });
                try {
                    Thread.sleep(200); // sampling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The link reports STREAMING and no lag: the load starts against a running stream, not a starting one. */
    private static void awaitStreaming(ServiceProcess service) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.url()
                    + "/links/bench")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.contains("\"state\":\"STREAMING\"") && body.contains("\"lagMs\":0,");
        });
    }

    private static void awaitRows(PostgresServer offsite, String db, long rows, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection o = offsite.connect(db); Statement s = o.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM bench.events")) {
                r.next();
                return r.getLong(1) >= rows;
            }
        });
    }

    /**
     * The JVM that ran "Debezium alone": by default C2 and a large heap (a generous bound); {@code -DargLine="..."}
     * with the service's options measures it as the service runs it.
     */
    private static String testJvm() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        String tier = args.stream().filter(a -> a.startsWith("-XX:TieredStopAtLevel=")).reduce((a, b) -> b)
                .map(a -> a.endsWith("=1") ? "C1 only" : "C2").orElse("C2");
        return tier + ", " + (Runtime.getRuntime().maxMemory() >> 20) + " MB max heap";
    }

    private static void print(Figures pg, DebeziumAlone.Figures debezium, Figures lb) {
        String table = String.format("""

                replication benchmark (%s, %d cores, %d MB max heap for the test JVM)
                steady %d rows/s for %d s (%d rows), burst %d rows
                                         PostgreSQL logical   Lifeboat      ratio (Lifeboat / PostgreSQL)
                  lag p50 (ms)           %10.1f   %10.1f    %6.2f
                  lag p95 (ms)           %10.1f   %10.1f    %6.2f
                  lag p99 (ms)           %10.1f   %10.1f    %6.2f
                  burst (rows/s)         %10.0f   %10.0f    %6.2f
                  burst, Debezium embedded engine alone (same connector configuration, own slot, changes counted
                    and discarded, in the test JVM: %s): %.0f rows/s, %.2f of PostgreSQL's own
                  Lifeboat's capture alone (source to Kafka, the service's producedChanges): %.0f rows/s
                  service resident memory during the burst: %d MB (peak)
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                RATE, STEADY_SECONDS, lb.rows(), BURST,
                pg.p50(), lb.p50(), lb.p50() / pg.p50(), pg.p95(), lb.p95(), lb.p95() / pg.p95(),
                pg.p99(), lb.p99(), lb.p99() / pg.p99(), pg.burstRowsPerSecond(), lb.burstRowsPerSecond(),
                lb.burstRowsPerSecond() / pg.burstRowsPerSecond(), testJvm(), debezium.burstRowsPerSecond(),
                debezium.burstRowsPerSecond() / pg.burstRowsPerSecond(), lb.capturedRowsPerSecond(),
                PEAK_RSS.get() >> 20);
        StringBuilder rates = new StringBuilder();
        for (int size : TRANSACTION_SIZES) {
            double p = pg.transactionRates().get(size);
            double l = lb.transactionRates().get(size);
            rates.append(String.format("  transactions of %3d rows, %d rows (rows/s) %10.0f   %10.0f    %6.2f%n", size,
                    TRANSACTION_ROWS, p, l, l / p));
        }
        table = table + rates;
        if (pg.warmUp() != null && lb.warmUp() != null) {
            table = table + String.format("  warm-up, the first %d s at the same rate (not in the figures above), lag"
                    + " p50 / p95 / p99 (ms): PostgreSQL %.1f / %.1f / %.1f, Lifeboat %.1f / %.1f / %.1f%n",
                    WARMUP_SECONDS, pg.warmUp()[0], pg.warmUp()[1], pg.warmUp()[2], lb.warmUp()[0], lb.warmUp()[1],
                    lb.warmUp()[2]);
        }
        table = table + WINDOWS + "  load average at the start: " + LOAD_AT_START + ", at the end: " + loadAverage() + "\n";
        System.out.println(table);
        try {
            Files.writeString(Path.of("target", "replication-benchmark.txt"), table);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
