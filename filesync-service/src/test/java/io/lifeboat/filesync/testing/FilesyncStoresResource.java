package io.lifeboat.filesync.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Both sites' stores (see {@link Stores}) for {@code @QuarkusTest}s, and settings that keep tests quick. */
public class FilesyncStoresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new java.util.HashMap<>(Stores.config());
        config.put("lifeboat.filesync.mirror.multipart-threshold", "8M");
        config.put("lifeboat.filesync.mirror.part-size", "5M");
        config.put("lifeboat.filesync.mirror.first-backoff", "100ms");
        config.put("lifeboat.filesync.reconcile.interval", "1h");
        config.put("lifeboat.filesync.reconcile.retry-interval", "5s");
        return config;
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM: stopped when the JVM exits.
    }
}
