package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.HeartbeatObserved;

import java.time.Instant;

/** One probe result, as the verdict logic needs it. */
public record Observation(String siteId, String target, boolean critical, String observerId, String location,
        boolean ok, String errorClass, String errorMessage, Instant observedAt) {

    public static Observation of(HeartbeatObserved heartbeat) {
        return new Observation(heartbeat.siteId(), heartbeat.target(), heartbeat.critical(), heartbeat.observerId(),
                heartbeat.location(), heartbeat.ok(), heartbeat.errorClass(), heartbeat.errorMessage(),
                heartbeat.observedAt());
    }

    /** The failure in a few words, e.g. {@code STATUS: HTTP 500}. */
    public String failure() {
        if (ok) {
            return "ok";
        }
        String cls = errorClass == null ? "FAILED" : errorClass;
        return errorMessage == null || errorMessage.isBlank() ? cls : cls + ": " + errorMessage;
    }
}
