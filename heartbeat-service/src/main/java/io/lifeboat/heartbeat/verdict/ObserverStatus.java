package io.lifeboat.heartbeat.verdict;

import java.time.Instant;

/** One observer as seen from here: when it last reported, and whether it has gone silent. */
public record ObserverStatus(String observerId, String location, Instant lastSeen, boolean stale) {
}
