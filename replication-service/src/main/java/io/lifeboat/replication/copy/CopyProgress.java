package io.lifeboat.replication.copy;

import java.time.Duration;
import java.time.Instant;

/**
 * A copy under way, as the API and the lag feed show it.
 *
 * @param tablesDone     tables copied in this run
 * @param tablesTotal    tables this run copies
 * @param rows           rows copied so far (all tables of the run)
 * @param bytes          bytes of COPY text moved so far
 * @param estimatedRows  the source's estimate of all rows to copy ({@code reltuples})
 */
public record CopyProgress(int tablesDone, int tablesTotal, long rows, long bytes, long estimatedRows,
        Instant startedAt, Instant at) {

    public double rowsPerSecond() {
        double seconds = Math.max(0.001, Duration.between(startedAt, at).toMillis() / 1000.0);
        return rows / seconds;
    }

    /** As the lag feed and a progress bar carry it. */
    public io.lifeboat.events.WorkProgress asWork() {
        return io.lifeboat.events.WorkProgress.of("rows", rows, estimatedRows > 0 ? estimatedRows : null,
                "tables " + tablesDone + "/" + tablesTotal + ", " + bytes / (1024 * 1024) + " MB", startedAt, at);
    }

    /** Seconds left at the current rate; null when not known. */
    public Long secondsLeft() {
        double rate = rowsPerSecond();
        if (rate <= 0 || estimatedRows <= 0) {
            return null;
        }
        return Math.max(0, (long) ((estimatedRows - rows) / rate));
    }
}
