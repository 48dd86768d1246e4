package io.lifeboat.heartbeat.benchmark;

import io.lifeboat.heartbeat.testing.HealthPage;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
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

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("lifeboat.heartbeat.observer-id", "bench-app");
        config.put("lifeboat.heartbeat.location", "eu-west");
        config.put("lifeboat.heartbeat.sites.home.targets.web.url", HOME.url());
        config.put("lifeboat.heartbeat.sites.random30.targets.web.url", RANDOM30.url());
        config.put("lifeboat.heartbeat.sites.slow.targets.web.url", SLOW.url());
        config.put("lifeboat.heartbeat.sites.cutoff.targets.web.url", CUTOFF.url());
        return config;
    }

    @Override
    public void stop() {
        HOME.close();
        RANDOM30.close();
        SLOW.close();
        CUTOFF.close();
    }
}
