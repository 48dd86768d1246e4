package io.lifeboat.filesync;

import static io.lifeboat.filesync.BenchmarkReport.MB;
import static io.lifeboat.filesync.BenchmarkReport.fps;
import static io.lifeboat.filesync.BenchmarkReport.load;
import static io.lifeboat.filesync.BenchmarkReport.mbps;
import static io.lifeboat.filesync.BenchmarkReport.pct;
import static io.lifeboat.filesync.BenchmarkReport.report;
import static io.lifeboat.filesync.BenchmarkReport.timed;
import static io.lifeboat.filesync.BenchmarkReport.totalMemoryGb;
import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lifeboat.filesync.testing.ServiceUnderTest;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * filesync's figures, run by {@code ./lifeboat bench filesync-service}: latency of 1 MB files at a steady rate through
 * the notification path and through the scanner path, and throughput against {@code rclone copy} and a plain
 * GET-then-PUT loop between the same two stores in the same run, with the service's resident memory.
 *
 * <p>System properties: {@code tests.bench.latency.seconds} (60), {@code tests.bench.warmup.seconds} (15: the same traffic
 * before each latency run, reported apart), {@code tests.bench.rate} (20 files/s),
 * {@code tests.bench.mixed.mb} (1024), {@code tests.bench.small.count} (2000), {@code tests.bench.heap} (-Xmx64m, the pod's),
 * {@code tests.bench.service.env} (more environment for the service, "NAME=value,..."),
 * {@code tests.bench.jvm.extra} (more JVM options for the service, space-separated, e.g. for diagnostics; "{n}" in
 * them becomes the number of the service's start, 1, 2, ...).
 */
@Tag("benchmark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesyncBenchmarkIT {

    static final int LATENCY_SECONDS = Integer.getInteger("tests.bench.latency.seconds", 60);
    static final int RATE = Integer.getInteger("tests.bench.rate", 20);
    static final int WARMUP_SECONDS = Integer.getInteger("tests.bench.warmup.seconds", 15);
    static final long MIXED_BYTES = Long.getLong("tests.bench.mixed.mb", 1024) * MB;
    static final int SMALL_COUNT = Integer.getInteger("tests.bench.small.count", 2000);
    static final String HEAP = System.getProperty("tests.bench.heap", "-Xmx64m");
    /** The service's JVM options besides the heap, as its pod runs it. */
    /** Its pod's (deploy/k8s/base/filesync-service, JAVA_OPTS_APPEND), but the heap. */
    static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-XX:+UseSerialGC", "-Xss512k", "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=32m", "-XX:TrimNativeHeapInterval=5000",
            "-Djdk.nio.maxCachedBufferSize=262144");

    @TempDir
    static Path workDir;
    static KafkaBroker kafka;
    static ObjectStore home;
    static ObjectStore offsite;
    static S3Client homeS3;
    static S3Client offsiteS3;
    static ServiceUnderTest service;
    static final AtomicLong peakRss = new AtomicLong();
    static ScheduledExecutorService rssSampler;
    static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() {
        kafka = new KafkaBroker(workDir.resolve("kafka")).start();
        // The stores announce the benchmark's data sets only (bench-*), as an operator limits MinIO's notifications to
        // the exports' prefix: the copies rclone and the plain loop make (rclone/, loop/) are not filesync's input,
        // and announcing them would have the service read (and pass over) one notification per file of rclone's run.
        home = Stores.start(kafka, "home", workDir.resolve("home"), "bench-");
        offsite = Stores.start(kafka, "offsite", workDir.resolve("offsite"), "bench-");
        homeS3 = Stores.client(home);
        offsiteS3 = Stores.client(offsite);
        rssSampler = Executors.newSingleThreadScheduledExecutor();
        rssSampler.scheduleAtFixedRate(() -> {
            try {
                if (service != null) {
                    peakRss.accumulateAndGet(service.residentBytes(), Math::max);
                }
            } catch (Exception notRunning) {
                // between phases
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        report("filesync-service benchmark, %s, %d cores, %d GB RAM, service %s %s MALLOC_ARENA_MAX=2, load %s",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), totalMemoryGb(), HEAP,
                String.join(" ", JVM_OPTIONS), load());
    }

    @AfterAll
    static void stop() throws IOException {
        rssSampler.shutdownNow();
        stopService();
        report("service peak resident memory over all runs: %d MB", peakRss.get() / MB);
        for (AutoCloseable c : new AutoCloseable[] {homeS3, offsiteS3, home, offsite, kafka}) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("could not stop " + c + ": " + e);
            }
        }
        BenchmarkReport.save(Path.of("target", "benchmark-filesync.txt"));
    }

    static void startService(Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                // rclone's and the loop's copies are not for filesync to mirror back (the scanner would see them).
                "LIFEBOAT_FILESYNC_SITES_OFFSITE_EXCLUDE_PREFIXES", "rclone/,loop/",
                "LIFEBOAT_FILESYNC_SITES_HOME_EXCLUDE_PREFIXES", "rclone/,loop/",
                "LIFEBOAT_FILESYNC_RECONCILE_ON_START", "false"));
        env.putAll(extra);
        // tests.bench.service.env: more environment for the service, "NAME=value,NAME=value" (e.g. to compare settings).
        for (String pair : System.getProperty("tests.bench.service.env", "").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        // As in its pod (deploy/k8s: JAVA_OPTS_APPEND and MALLOC_ARENA_MAX).
        env.put("MALLOC_ARENA_MAX", "2");
        List<String> jvm = new ArrayList<>(List.of(HEAP));
        jvm.addAll(JVM_OPTIONS);
        // "{n}" in them becomes the service start's number (1, 2, ...), e.g. one JFR recording file per process.
        String diagnostics = System.getProperty("tests.bench.jvm.extra", "").trim()
                .replace("{n}", Integer.toString(STARTS.incrementAndGet()));
        if (!diagnostics.isEmpty()) {
            jvm.addAll(List.of(diagnostics.split("\\s+")));
        }
        service = new ServiceUnderTest(kafka, home, offsite, env, jvm, workDir).start();
    }

    static void stopService() {
        if (service != null) {
            service.close();
            service = null;
        }
    }

    @Test
    @Order(1)
    void latencyThroughNotifications() throws Exception {
        startService(Map.of());
        latency("notifications", "bench-lat-notify-" + UUID.randomUUID() + "/");
        stopService();
    }

    @Test
    @Order(2)
    void latencyThroughTheScanner() throws Exception {
        startService(Map.of("LIFEBOAT_HOME_S3_ARRIVALS", "scanner",
                "LIFEBOAT_FILESYNC_SCANNER_INTERVAL", System.getProperty("tests.bench.scanner.interval", "1s"),
                "LIFEBOAT_FILESYNC_SCANNER_STATE_TOPIC", "bench-scanner-" + UUID.randomUUID(),
                "MP_MESSAGING_INCOMING_BUCKET_NOTIFICATIONS_TOPICS", Stores.notificationTopic("offsite")));
        latency("scanner (1 s interval)", "bench-lat-scan-" + UUID.randomUUID() + "/");
        stopService();
    }

    private void latency(String path, String prefix) throws Exception {
        if (WARMUP_SECONDS > 0) {
            // The same traffic first, unmeasured: the service and both stores have just started, and their first
            // seconds (class loading, JIT compilation on two busy cores) say nothing about a service that runs for
            // days. Reported apart.
            List<Long> cold = latencies(prefix.substring(0, prefix.length() - 1) + "-warmup/", WARMUP_SECONDS);
            report("latency via %s, the first %d s after start (warm-up, not measured; %d files): p50 %d ms, p95 %d ms,"
                    + " p99 %d ms, max %d ms (load %s)", path, WARMUP_SECONDS, cold.size(), pct(cold, 50),
                    pct(cold, 95), pct(cold, 99), cold.get(cold.size() - 1), load());
        }
        List<Long> latencies = latencies(prefix, LATENCY_SECONDS);
        report("latency via %s, 1 MB at %d files/s for %d s (%d files): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms"
                + " (load %s)", path, RATE, LATENCY_SECONDS, latencies.size(), pct(latencies, 50), pct(latencies, 95),
                pct(latencies, 99), latencies.get(latencies.size() - 1), load());
        long loop = BenchmarkStores.plainGetThenPutMs(homeS3, offsiteS3, prefix + "0.csv");
        report("  reference: one plain GET-then-PUT of a 1 MB file between the stores: %d ms", loop);
    }

    /** Puts 1 MB files at home at {@link #RATE} for a time; each one's time until filesync reports it mirrored. */
    private List<Long> latencies(String prefix, int seconds) throws Exception {
        Map<String, Long> putDone = new ConcurrentHashMap<>();
        Map<String, Long> mirrored = new ConcurrentHashMap<>();
        byte[] content = new byte[(int) MB];
        new Random(1).nextBytes(content);
        int total = seconds * RATE;
        try (KafkaConsumer<String, byte[]> files = BenchmarkKafka.consumer(kafka)) {
            Thread watcher = new Thread(() -> BenchmarkKafka.watchMirrored(files, prefix, mirrored, total,
                    LATENCY_SECONDS), "bench-watcher");
            watcher.start();
            ScheduledExecutorService pacer = Executors.newScheduledThreadPool(4);
            AtomicLong sent = new AtomicLong();
            pacer.scheduleAtFixedRate(() -> {
                long n = sent.getAndIncrement();
                if (n >= total) {
                    return;
                }
                String key = prefix + n + ".csv";
                homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
                putDone.put(key, System.currentTimeMillis());
            }, 0, 1000 / RATE, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(seconds + 120)).until(() -> mirrored.size() >= total);
            pacer.shutdownNow();
            watcher.join(5000);
        }
        List<Long> latencies = new ArrayList<>();
        mirrored.forEach((key, at) -> latencies.add(at - putDone.getOrDefault(key, at)));
        Collections.sort(latencies);
        return latencies;
    }

    @Test
    @Order(3)
    void throughputOfMixedSizes() throws Exception {
        String prefix = "bench-mixed-" + UUID.randomUUID() + "/";
        Random random = new Random(42);
        List<Long> sizes = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 3 && total + 100 * MB <= MIXED_BYTES; i++) {
            sizes.add(100 * MB);
            total += 100 * MB;
        }
        while (total < MIXED_BYTES) {
            long size = Math.min(MIXED_BYTES - total, 100 * 1024 + (long) (random.nextDouble() * (10 * MB - 100 * 1024)));
            sizes.add(size);
            total += size;
        }
        throughput("1 GB mixed (" + sizes.size() + " files, 100 KB-10 MB and 3 x 100 MB)", prefix, sizes);
    }

    @Test
    @Order(4)
    void throughputOfSmallFiles() throws Exception {
        String prefix = "bench-small-" + UUID.randomUUID() + "/";
        throughput(SMALL_COUNT + " x 64 KB", prefix, Collections.nCopies(SMALL_COUNT, 64 * 1024L));
    }

    private void throughput(String dataset, String prefix, List<Long> sizes) throws Exception {
        long bytes = sizes.stream().mapToLong(Long::longValue).sum();
        String base = prefix.substring(0, prefix.length() - 1);
        String warmPrefix = base + "-warm/";
        String coldPrefix = base + "-cold/";
        // The service that ran the runs before keeps running (the first throughput run starts one: the scanner run's
        // service was configured differently). It first handles whatever those runs left in Kafka (the scanner run
        // leaves the home store's notifications unread), so that the figures are for this data set only.
        if (service == null) {
            startService(Map.of());
        }
        BenchmarkKafka.awaitCaughtUp(kafka);
        // Unmeasured: the same data set once (other keys), so that the warm figure is that of a service that has done
        // this work before, as one that runs for days has. The service of this run may be seconds old (the runs
        // before end by starting a fresh one), and its JIT compilers then took a fifth of its CPU in the timed run.
        String warmupPrefix = base + "-warmup/";
        try (MirroredCounter counter = new MirroredCounter(kafka, warmupPrefix)) {
            BenchmarkStores.upload(homeS3, warmupPrefix, sizes);
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> counter.keys() == sizes.size());
        }
        BenchmarkKafka.awaitCaughtUp(kafka);

        // Warm: the running service is frozen (SIGSTOP) while the data set is uploaded, so its notifications wait in
        // Kafka, then released: timed from its release until it has reported every file mirrored, as rclone is timed
        // from its start with everything in place. Its consumers keep their group membership if it is frozen for less
        // than the session timeout; if not, they rejoin after the release (counted in the figure). Every file.mirrored
        // of the data set is counted per key: nothing may be lost, and a copy made twice would show as a duplicate.
        long warmMs;
        long frozenMs;
        long warmCpuMs;
        long rcloneMs;
        String rcloneCpu;
        String warmCpu;
        Map<String, Integer> warmCopies;
        try (MirroredCounter counter = new MirroredCounter(kafka, warmPrefix)) {
            service.freeze();
            long frozenAt = System.nanoTime();
            try {
                BenchmarkStores.upload(homeS3, warmPrefix, sizes);
                // rclone right before filesync, on the same files, while the service is frozen (no CPU of its own):
                // the other load on the machine varies from one minute to the next, so the two are timed together.
                CpuSnapshot beforeRclone = CpuSnapshot.take(service, home, offsite, kafka);
                rcloneMs = BenchmarkStores.rclone(workDir, home, offsite, warmPrefix, "rclone/" + warmPrefix);
                rcloneCpu = CpuSnapshot.take(service, home, offsite, kafka).since(beforeRclone, sizes.size());
            } finally {
                frozenMs = (System.nanoTime() - frozenAt) / 1_000_000;
                CpuSnapshot beforeWarm = CpuSnapshot.take(service, home, offsite, kafka);
                long released = System.nanoTime();
                service.resume();
                // Done when the service has reported every file mirrored (it does so once the copy is verified at
                // the target): watching its events costs the stores nothing, where listing the target every 200 ms
                // took a share of the two cores the service's copies need.
                await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> counter.keys() == sizes.size());
                warmMs = (System.nanoTime() - released) / 1_000_000;
                CpuSnapshot afterWarm = CpuSnapshot.take(service, home, offsite, kafka);
                warmCpuMs = afterWarm.processes().get("service") - beforeWarm.processes().get("service");
                warmCpu = afterWarm.since(beforeWarm, sizes.size());
            }
            warmCopies = counter.copiesPerKey();
        }
        long duplicates = warmCopies.values().stream().filter(n -> n > 1).count();
        if (warmCopies.size() != sizes.size() || BenchmarkStores.count(offsiteS3, warmPrefix) != sizes.size()) {
            throw new AssertionError("warm run: " + warmCopies.size() + " of " + sizes.size() + " files reported "
                    + "mirrored, " + BenchmarkStores.count(offsiteS3, warmPrefix) + " offsite");
        }

        long loopMs = timed(() -> {
            for (S3Object o : homeS3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(warmPrefix)).contents()) {
                byte[] body = homeS3.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray();
                offsiteS3.putObject(b -> b.bucket(BUCKET).key("loop/" + o.key()), RequestBody.fromBytes(body));
            }
        });
        // Cold: the service stopped, the data set uploaded again (other keys), then the service started with the
        // arrivals' notifications waiting in Kafka, as after an outage of its own. It keeps running for the next run.
        // Its consumers start with the JVM, before it reports ready (which waits for its warm-up): the honest figure
        // runs from the process's start; the one from readiness is shown as well.
        stopService();
        BenchmarkStores.upload(homeS3, coldPrefix, sizes);
        long coldMs;
        long withStartMs;
        try (MirroredCounter counter = new MirroredCounter(kafka, coldPrefix)) {
            long begin = System.nanoTime();
            startService(Map.of());
            long ready = System.nanoTime();
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> counter.keys() == sizes.size());
            coldMs = (System.nanoTime() - ready) / 1_000_000;
            withStartMs = (System.nanoTime() - begin) / 1_000_000;
        }
        if (BenchmarkStores.count(offsiteS3, coldPrefix) != sizes.size()) {
            throw new AssertionError("cold run: " + BenchmarkStores.count(offsiteS3, coldPrefix) + " of " + sizes.size()
                    + " offsite");
        }
        long coldCpuMs = service.cpuMillis();
        report("throughput, %s, %d MB (load %s):", dataset, bytes / MB, load());
        report("  filesync, warm (running service, backlog released)  %6d ms  %7.1f MB/s  %7.1f files/s  (%.2fx rclone;"
                + " frozen %d ms while uploading; %d of %d files copied twice; service CPU %.1f s, %.2f ms per file)",
                warmMs, mbps(bytes, warmMs), fps(sizes.size(), warmMs), rcloneMs / (double) warmMs, frozenMs,
                duplicates, sizes.size(), warmCpuMs / 1000.0, warmCpuMs / (double) sizes.size());
        report("  filesync, cold (started with the backlog)           %6d ms  %7.1f MB/s  %7.1f files/s  (%.2fx rclone,"
                + " from its JVM start; from its readiness %d ms, %.2fx; service CPU %.1f s including its start)",
                withStartMs, mbps(bytes, withStartMs), fps(sizes.size(), withStartMs), rcloneMs / (double) withStartMs,
                coldMs, rcloneMs / (double) coldMs, coldCpuMs / 1000.0);
        report("  rclone copy                                         %6d ms  %7.1f MB/s  %7.1f files/s", rcloneMs,
                mbps(bytes, rcloneMs), fps(sizes.size(), rcloneMs));
        report("  GET-then-PUT loop (one at a time, in memory)        %6d ms  %7.1f MB/s  %7.1f files/s", loopMs,
                mbps(bytes, loopMs), fps(sizes.size(), loopMs));
        report("  CPU of every process, rclone's run:   %s", rcloneCpu);
        report("  CPU of every process, filesync warm:  %s", warmCpu);
    }

    static Instant now() {
        return Instant.now();
    }
}
