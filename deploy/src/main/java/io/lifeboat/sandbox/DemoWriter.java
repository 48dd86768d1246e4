package io.lifeboat.sandbox;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The SaaS at work: loads measurements into the database and receives customers' export files, always at the site
 * that DNS currently sends users to. When that site is lost, writes fail until DNS moves, as they would for real.
 */
final class DemoWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DemoWriter.class.getName());
    static final String BUCKET = "exports";

    /** What the writer needs of a site. */
    record SiteAccess(String siteId, String jdbcUrl, String user, String password, S3Client s3) {
    }

    private final Supplier<Optional<String>> activeSite;
    private final Map<String, SiteAccess> sites;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread thread = new Thread(r, "demo-writer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError = "";
    private volatile boolean paused;
    /** When the last batch of rows was committed, and the longest wait between two such commits since a reset. */
    private volatile Instant lastCommit;
    private final AtomicLong longestGapMs = new AtomicLong();

    DemoWriter(Supplier<Optional<String>> activeSite, Map<String, SiteAccess> sites) {
        this.activeSite = activeSite;
        this.sites = Map.copyOf(sites);
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::insertMeasurements, 0, 200, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::receiveExport, 1, 5, TimeUnit.SECONDS);
    }

    long rows() {
        return rows.get();
    }

    long files() {
        return files.get();
    }

    long failures() {
        return failures.get();
    }

    /** Stops writing (after the batch in flight), so that both sites can be compared at rest. */
    void pause() {
        paused = true;
    }

    void resume() {
        lastCommit = null;
        paused = false;
    }

    /** Forgets the longest gap so far: what the SaaS's users would have seen from now on. */
    void resetLongestGap() {
        lastCommit = Instant.now();
        longestGapMs.set(0);
    }

    /** The longest time between two committed batches of rows since the last reset: how long writes were unavailable. */
    Duration longestGap() {
        return Duration.ofMillis(longestGapMs.get());
    }

    private void insertMeasurements() {
        if (paused) {
            return;
        }
        activeSite.get().map(sites::get).ifPresent(site -> {
            try (Connection connection = DriverManager.getConnection(site.jdbcUrl(), site.user(), site.password());
                 PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO demo.measurements (customer_id, array_serial, sampled_at, iops, latency_ms, tags)
                     VALUES (?, ?, ?, ?, ?, ?::jsonb)""")) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 5; i++) {
                    long customer = random.nextLong(1, 21);
                    insert.setLong(1, customer);
                    insert.setString(2, "ARR-" + customer + "-" + random.nextInt(1, 4));
                    insert.setTimestamp(3, Timestamp.from(Instant.now()));
                    insert.setInt(4, random.nextInt(500, 50_000));
                    insert.setBigDecimal(5, java.math.BigDecimal.valueOf(random.nextDouble(0.1, 25.0)).setScale(3, java.math.RoundingMode.HALF_UP));
                    insert.setString(6, "{\"source\":\"demo-writer\",\"site\":\"" + site.siteId() + "\"}");
                    insert.addBatch();
                }
                insert.executeBatch();
                rows.addAndGet(5);
                Instant now = Instant.now();
                Instant previous = lastCommit;
                if (previous != null) {
                    longestGapMs.accumulateAndGet(Duration.between(previous, now).toMillis(), Math::max);
                }
                lastCommit = now;
            } catch (SQLException e) {
                failed("insert at " + site.siteId() + ": " + e.getMessage());
            }
        });
    }

    private void receiveExport() {
        if (paused) {
            return;
        }
        activeSite.get().map(sites::get).ifPresent(site -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long customer = random.nextLong(1, 21);
            Instant now = Instant.now();
            String key = "customer-" + customer + "/" + LocalDate.ofInstant(now, ZoneOffset.UTC) + "/perf-"
                    + now.toEpochMilli() + ".csv";
            StringBuilder csv = new StringBuilder("array_serial,sampled_at,iops,latency_ms\n");
            for (int i = 0; i < 200; i++) {
                csv.append("ARR-").append(customer).append('-').append(random.nextInt(1, 4)).append(',')
                        .append(now.minusSeconds(i)).append(',').append(random.nextInt(500, 50_000)).append(',')
                        .append(random.nextInt(1, 25_000) / 1000.0).append('\n');
            }
            try {
                site.s3().putObject(b -> b.bucket(BUCKET).key(key).contentType("text/csv"), RequestBody.fromString(csv.toString()));
                files.incrementAndGet();
            } catch (RuntimeException e) {
                failed("export to " + site.siteId() + ": " + e.getMessage());
            }
        });
    }

    private void failed(String what) {
        failures.incrementAndGet();
        if (!what.equals(lastError)) {
            LOG.warning("demo writer: " + what);
            lastError = what;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
