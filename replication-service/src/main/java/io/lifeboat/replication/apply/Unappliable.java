package io.lifeboat.replication.apply;

import java.time.Instant;

/** A change the target refused for a reason only a person can fix: the link waits before its transaction. */
public record Unappliable(String table, String topic, int partition, long offset, String key, String cause,
        Instant stoppedAt) {

    /** In words, for refusals and logs. */
    public String describe() {
        return "table " + table + " is stopped at " + topic + "-" + partition + "@" + offset + ": " + cause;
    }
}
