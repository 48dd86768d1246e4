package io.lifeboat.heartbeat.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The sites the service under test watches: real health pages the test stops, breaks and restarts, and a webhook
 * receiver that is down until the test brings it up. Fast settings so a test takes seconds, not minutes.
 */
public class ObservedSites implements QuarkusTestResourceLifecycleManager {

    public static final HealthPage HOME = HealthPage.start();
    public static final HealthPage OFFSITE = HealthPage.start();
    public static final HealthPage FLAKY = HealthPage.start();
    public static final AlertInbox WEBHOOK = AlertInbox.down();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("lifeboat.heartbeat.observer-id", "obs-app");
        config.put("lifeboat.heartbeat.location", "eu-west");
        config.put("lifeboat.heartbeat.interval", "0.3s");
        config.put("lifeboat.heartbeat.timeout", "0.25s");
        config.put("lifeboat.heartbeat.verdict.stale-after", "2s");
        config.put("lifeboat.heartbeat.verdict.flap-window", "10s");
        config.put("lifeboat.heartbeat.sites.home.targets.web.url", HOME.url());
        config.put("lifeboat.heartbeat.sites.offsite.targets.web.url", OFFSITE.url());
        config.put("lifeboat.heartbeat.sites.flaky.targets.web.url", FLAKY.url());
        config.put("lifeboat.heartbeat.alerts.receivers.ops.kind", "generic");
        config.put("lifeboat.heartbeat.alerts.receivers.ops.url", WEBHOOK.url() + "/hooks/lifeboat");
        config.put("lifeboat.heartbeat.alerts.receivers.ops.headers.Authorization", "Bearer webhook-t0ken");
        config.put("lifeboat.heartbeat.alerts.initial-backoff", "0.1s");
        config.put("lifeboat.heartbeat.alerts.max-backoff", "0.5s");
        return config;
    }

    @Override
    public void stop() {
        HOME.close();
        OFFSITE.close();
        FLAKY.close();
        WEBHOOK.close();
    }
}
