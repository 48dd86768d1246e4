package io.lifeboat.heartbeat.benchmark;

import io.lifeboat.heartbeat.testing.HealthPage;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sites of the benchmarks, watched with DEFAULT settings (every 2 s, timeout 1.5 s, N = M = 3, majority,
 * two locations): home for detection; random30, slow and cutoff for the false-positive runs.
 */
public class BenchSites implements QuarkusTestResourceLifecycleManager {

    public static final HealthPage HOME = HealthPage.start();
    public static final HealthPage RANDOM30 = HealthPage.start();
    public static final HealthPage SLOW = HealthPage.start();
    public static final HealthPage CUTOFF = HealthPage.start();
    /**
     * Detection trials rotate over ten sites: stopping and restarting one site every few seconds is flapping (and
     * held at DEGRADED, rightly); each of these sees at most two outages within the default flap window of 2 min.
     */
    public static final List<HealthPage> DETECT = java.util.stream.Stream.generate(HealthPage::start).limit(10).toList();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("lifeboat.heartbeat.observer-id", "bench-app");
        config.put("lifeboat.heartbeat.location", "eu-west");
        config.put("lifeboat.heartbeat.sites.home.targets.web.url", HOME.url());
        config.put("lifeboat.heartbeat.sites.random30.targets.web.url", RANDOM30.url());
        config.put("lifeboat.heartbeat.sites.slow.targets.web.url", SLOW.url());
        config.put("lifeboat.heartbeat.sites.cutoff.targets.web.url", CUTOFF.url());
        for (int i = 0; i < DETECT.size(); i++) {
            config.put("lifeboat.heartbeat.sites.detect-" + i + ".targets.web.url", DETECT.get(i).url());
        }
        return config;
    }

    @Override
    public void stop() {
        HOME.close();
        RANDOM30.close();
        SLOW.close();
        CUTOFF.close();
        DETECT.forEach(HealthPage::close);
    }
}
