package io.lifeboat.loopback.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A test resource backed by one of the {@link SharedServers}, whose configuration keys a test may rename with init
 * args ({@link ConfigKeys}). Nothing is stopped with the test class: the servers are shared by every test class in
 * the JVM and stopped when it exits.
 */
abstract class SharedServerResource implements QuarkusTestResourceLifecycleManager {

    protected ConfigKeys keys = new ConfigKeys(Map.of());

    @Override
    public void init(Map<String, String> initArgs) {
        keys = new ConfigKeys(initArgs);
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM: stopped when the JVM exits.
    }
}
