package io.lifeboat.sandbox;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
 * Every row whose COMMIT returned goes to its {@link CommitLedger}: what the SaaS knows it saved, to check the sites
 * against.
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
    private final CommitLedger ledger;
    /** Held while a batch of rows is written: {@link #pause()} waits on it for the batch in flight. */
    private final Object batch = new Object();

    DemoWriter(Supplier<Optional<String>> activeSite, Map<String, SiteAccess> sites, CommitLedger ledger) {
        this.activeSite = activeSite;
        this.sites = Map.copyOf(sites);
        this.ledger = ledger;
    }

    CommitLedger ledger() {
        return ledger;
    }

    void start() {
        startRowsOnly();
        scheduler.scheduleWithFixedDelay(this::receiveExport, 1, 5, TimeUnit.SECONDS);
    }

    /** Rows only, no export files: a back-end job of the SaaS rather than its users. */
    void startRowsOnly() {
        scheduler.scheduleWithFixedDelay(this::insertMeasurements, 0, 200, TimeUnit.MILLISECONDS);
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

    /**
     * Stops writing and returns once the batch in flight is over (committed, failed or in doubt, and recorded), so
     * that a site read afterwards holds no row the ledger does not know of yet.
     */
    void pause() {
        paused = true;
        synchronized (batch) {
            // nothing: entering is waiting for the batch in flight
        }
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
        synchronized (batch) {
            if (paused) {
                return;
            }
            activeSite.get().map(sites::get).ifPresent(this::insertMeasurements);
        }
    }

    /**
     * Five rows in one transaction. Their ids come back before COMMIT; once COMMIT returns they are COMMITTED in
     * the ledger; if COMMIT fails with no answer (the server died under it) they are IN_DOUBT; a failure before
     * COMMIT leaves nothing to record.
     */
    private void insertMeasurements(SiteAccess site) {
        Properties login = new Properties();
        login.setProperty("user", site.user());
        login.setProperty("password", site.password());
        // A lost site must fail the batch soon, not hold pause() (and the test) for the TCP timeout.
        login.setProperty("connectTimeout", "5");
        login.setProperty("socketTimeout", "10");
        try (Connection connection = DriverManager.getConnection(site.jdbcUrl(), login)) {
            connection.setAutoCommit(false);
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO demo.measurements (customer_id, array_serial, sampled_at, iops, latency_ms, tags)
                    VALUES (?, ?, ?, ?, ?, ?::jsonb), (?, ?, ?, ?, ?, ?::jsonb), (?, ?, ?, ?, ?, ?::jsonb),
                           (?, ?, ?, ?, ?, ?::jsonb), (?, ?, ?, ?, ?, ?::jsonb)
                    RETURNING id""")) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 5; i++) {
                    int p = i * 6;
                    long customer = random.nextLong(1, 21);
                    insert.setLong(p + 1, customer);
                    insert.setString(p + 2, "ARR-" + customer + "-" + random.nextInt(1, 4));
                    insert.setTimestamp(p + 3, Timestamp.from(Instant.now()));
                    insert.setInt(p + 4, random.nextInt(500, 50_000));
                    insert.setBigDecimal(p + 5, java.math.BigDecimal.valueOf(random.nextDouble(0.1, 25.0))
                            .setScale(3, java.math.RoundingMode.HALF_UP));
                    insert.setString(p + 6, "{\"source\":\"demo-writer\",\"site\":\"" + site.siteId() + "\"}");
                }
                try (ResultSet returned = insert.executeQuery()) {
                    while (returned.next()) {
                        ids.add(returned.getLong(1));
                    }
                }
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                ledger.record(entries(site, ids, CommitLedger.Status.IN_DOUBT));
                failed("commit at " + site.siteId() + " in doubt: " + e.getMessage());
                return;
            }
            ledger.record(entries(site, ids, CommitLedger.Status.COMMITTED));
            rows.addAndGet(ids.size());
            Instant now = Instant.now();
            Instant previous = lastCommit;
            if (previous != null) {
                longestGapMs.accumulateAndGet(Duration.between(previous, now).toMillis(), Math::max);
            }
            lastCommit = now;
        } catch (SQLException e) {
            failed("insert at " + site.siteId() + ": " + e.getMessage());
        }
    }

    private static List<CommitLedger.Entry> entries(SiteAccess site, List<Long> ids, CommitLedger.Status status) {
        Instant at = Instant.now();
        return ids.stream().map(id -> new CommitLedger.Entry(at, site.siteId(), id, status)).toList();
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
