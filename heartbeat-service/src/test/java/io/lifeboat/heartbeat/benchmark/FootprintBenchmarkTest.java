package io.lifeboat.heartbeat.benchmark;

import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CPU and memory of one observer probing 50 HTTP targets every 2 s (5 sites of 10). Measured for the whole test JVM
 * (the service, and the health page answering the 25 requests/s), so an upper bound for the service alone.
 * {@code -Dheartbeat.bench.footprint.duration=PT2M}.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(FootprintBenchmarkTest.FiftyTargets.class)
class FootprintBenchmarkTest {

    public static class FiftyTargets implements QuarkusTestResourceLifecycleManager {
        static final HealthPage PAGE = HealthPage.start();

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>();
            config.put("lifeboat.heartbeat.observer-id", "footprint");
            config.put("lifeboat.heartbeat.location", "eu-west");
            for (int i = 0; i < 50; i++) {
                config.put("lifeboat.heartbeat.sites.site-" + i / 10 + ".targets.t" + i + ".url", PAGE.url() + "?t=" + i);
            }
            return config;
        }

        @Override
        public void stop() {
            PAGE.close();
        }
    }

    @Test
    void cpuAndMemoryProbingFiftyTargets() throws Exception {
        Duration duration = Duration.parse(System.getProperty("heartbeat.bench.footprint.duration", "PT2M"));
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/sites").then().extract()
                .jsonPath().getList("findAll { it.verdict == 'DEGRADED' || it.verdict == 'UP' }").size() == 5);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        int requests0 = FiftyTargets.PAGE.requests();
        Instant t0 = Instant.now();
        await().pollInterval(Duration.ofSeconds(5)).atMost(duration.plusMinutes(1))
                .until(() -> Duration.between(t0, Instant.now()).compareTo(duration) >= 0);
        double seconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        double cpuPercent = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds * 100;
        int probes = FiftyTargets.PAGE.requests() - requests0;
        System.gc();
        long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf(Locale.ROOT, "%n=== BENCHMARK footprint: 50 targets every 2 s for %.0f s: %d probes (%.1f/s), "
                + "CPU %.1f %% of one core, heap after GC %d MB, %s (whole test JVM) ===%n%n",
                seconds, probes, probes / seconds, cpuPercent, heapMb, rss);
        assertThat(probes).isPositive();
    }
}
