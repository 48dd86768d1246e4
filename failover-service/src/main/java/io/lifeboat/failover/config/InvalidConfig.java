package io.lifeboat.failover.config;

/** A configuration value the service cannot start with; the message names the key and never shows a secret. */
public class InvalidConfig extends IllegalArgumentException {

    public InvalidConfig(String key, String problem) {
        super(key + ": " + problem);
    }
}
