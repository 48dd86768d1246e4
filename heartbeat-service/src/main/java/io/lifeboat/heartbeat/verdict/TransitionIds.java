package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Transition ids: the same on every instance that took the same heartbeats, different for every transition.
 * Built from the site, both verdicts, the start of the evidence, and the heartbeat that tipped the verdict
 * (the start alone is not enough: DOWN, DEGRADED while one observer recovers, DOWN again all rest on one start).
 * A readable head ({@code home-down-}) and a hash of the rest.
 */
final class TransitionIds {

    private TransitionIds() {
    }

    static String of(String siteId, Verdict previous, Verdict verdict, Instant since, String tippedBy) {
        String basis = siteId + "\n" + previous + "\n" + verdict + "\n" + since + "\n" + tippedBy;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return siteId + "-" + verdict.name().toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
