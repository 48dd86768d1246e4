package io.lifeboat.heartbeat.config;

import io.lifeboat.heartbeat.verdict.Quorum;
import io.lifeboat.heartbeat.verdict.VerdictRules;

import java.time.Duration;

/** Checks {@code lifeboat.heartbeat.verdict.*} and turns it into the rules of the verdict logic. */
public final class VerdictSettings {

    private static final String KEY = TargetSpecs.PREFIX + ".verdict.";

    private VerdictSettings() {
    }

    public static VerdictRules rules(HeartbeatConfig.Verdicts config) {
        atLeast(KEY + "down-after", config.downAfter(), 1);
        atLeast(KEY + "up-after", config.upAfter(), 1);
        atLeast(KEY + "min-locations", config.minLocations(), 1);
        atLeast(KEY + "flap-changes", config.flapChanges(), 2);
        atLeast(KEY + "min-agreeing", config.minAgreeing(), 1);
        positive(KEY + "stale-after", config.staleAfter());
        positive(KEY + "flap-window", config.flapWindow());
        if (config.forgetAfter().compareTo(config.staleAfter()) < 0) {
            throw new IllegalArgumentException(KEY + "forget-after: must be at least stale-after ("
                    + config.staleAfter() + "), was " + config.forgetAfter());
        }
        Quorum quorum;
        try {
            quorum = Quorum.parse(config.quorum());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + "quorum: " + e.getMessage());
        }
        return new VerdictRules(config.downAfter(), config.upAfter(), quorum, config.minLocations(),
                config.staleAfter(), config.forgetAfter(), config.flapChanges(), config.flapWindow(),
                config.minAgreeing());
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + ": must be at least " + min + ", was " + value);
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": must be positive, was " + value);
        }
    }
}
