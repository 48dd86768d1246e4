package io.lifeboat.loopback.testing;

import java.util.Map;

/**
 * The configuration keys a test resource returns, each renamable through an init arg named after it, e.g.
 * {@code @ResourceArg(name = "home.url", value = "quarkus.datasource.home.jdbc.url")}.
 */
final class ConfigKeys {

    private final Map<String, String> initArgs;

    ConfigKeys(Map<String, String> initArgs) {
        this.initArgs = Map.copyOf(initArgs);
    }

    String key(String logicalName, String defaultKey) {
        return initArgs.getOrDefault(logicalName, defaultKey);
    }

    String arg(String name, String defaultValue) {
        return initArgs.getOrDefault(name, defaultValue);
    }
}
