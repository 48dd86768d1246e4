package io.lifeboat.heartbeat.benchmark;

import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.heartbeat.testing.TestObserver;
import io.lifeboat.heartbeat.testing.Targets;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * False positives under adversity, with default settings, the three at once on three sites:
 * random30 fails 30 % of requests at random; slow answers in 1.26-1.54 s against a 1.5 s timeout; cutoff is
 * healthy but the second observer is cut off from it. Goal: zero DOWN verdicts.
 * {@code -Dheartbeat.bench.adversity.duration=PT10M}.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(BenchSites.class)
class AdversityBenchmarkTest {

    @Test
    void noDownVerdictsUnderAdversity() {
        Duration duration = Duration.parse(System.getProperty("heartbeat.bench.adversity.duration", "PT10M"));
        String bootstrap = SharedServers.kafka().bootstrapServers();
        HealthPage dead = HealthPage.start().stop();
        BenchSites.RANDOM30.failing(0.3);
        BenchSites.SLOW.slow(1400);
        Instant start = Instant.now();
        Duration timeout = Duration.ofMillis(1500);
        try (TestObserver other = new TestObserver(bootstrap, "bench-b", "us-east", List.of(
                Targets.http("random30", BenchSites.RANDOM30.url(), timeout),
                Targets.http("slow", BenchSites.SLOW.url(), timeout),
                Targets.http("cutoff", dead.url(), timeout))).every(Duration.ofSeconds(2))) {
            // The run itself: Awaitility polls until the duration is over (nothing to wait for but time).
            await().pollInterval(Duration.ofSeconds(5)).atMost(duration.plusMinutes(1))
                    .until(() -> Duration.between(start, Instant.now()).compareTo(duration) >= 0);
        }
        Map<String, Map<Verdict, Integer>> counts = new TreeMap<>();
        EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
        try (TopicReader outages = new TopicReader(bootstrap, "lifeboat.outages")) {
            try {
                outages.awaitRecord(r -> false, Duration.ofSeconds(5));
            } catch (Throwable drained) {
                // five seconds of polling read the topic to its end
            }
            for (ConsumerRecord<String, byte[]> r : outages.seen()) {
                try {
                    Event<?> e = reader.read(r.headers(), r.value());
                    if (e.type() == EventTypes.SITE_VERDICT_CHANGED && e.time().isAfter(start)) {
                        SiteVerdictChanged v = (SiteVerdictChanged) e.payload();
                        counts.computeIfAbsent(v.siteId(), k -> new TreeMap<>()).merge(v.verdict(), 1, Integer::sum);
                    }
                } catch (Exception ignored) {
                    // not a verdict
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n=== BENCHMARK false positives, %s each, run concurrently, default settings, "
                + "2 observers ===%n", duration);
        for (String site : List.of("random30", "slow", "cutoff")) {
            Map<Verdict, Integer> c = counts.getOrDefault(site, Map.of());
            System.out.printf(Locale.ROOT, "  %-9s DOWN verdicts: %d   (all transitions: %s)%n", site,
                    c.getOrDefault(Verdict.DOWN, 0), c);
        }
        System.out.println();
        BenchSites.RANDOM30.ok();
        BenchSites.SLOW.ok();
        assertThat(counts.values()).allSatisfy(c -> assertThat(c.getOrDefault(Verdict.DOWN, 0)).isZero());
    }
}
