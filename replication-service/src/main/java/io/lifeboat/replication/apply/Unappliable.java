package io.lifeboat.replication.apply;

import java.time.Instant;

/** A change the target refused for a reason only a person can fix: its table stops there until resumed. */
public record Unappliable(String table, String topic, int partition, long offset, String key, String cause,
        Instant stoppedAt) {
}
