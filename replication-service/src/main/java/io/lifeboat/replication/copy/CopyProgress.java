package io.lifeboat.replication.copy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lifeboat.events.WorkProgress;

import java.time.Instant;

/**
 * A copy under way, as the API and the lag feed show it. Its rate and estimate are {@link WorkProgress}'s, the one
 * computation every long work shares; {@code GET /links} shows them beside the copy's own figures.
 *
 * @param tablesDone     tables copied in this run
 * @param tablesTotal    tables this run copies
 * @param rows           rows copied so far (all tables of the run)
 * @param bytes          bytes of COPY text moved so far
 * @param estimatedRows  the source's estimate of all rows to copy ({@code reltuples})
 */
public record CopyProgress(int tablesDone, int tablesTotal, long rows, long bytes, long estimatedRows,
        Instant startedAt, Instant at) {

    /** As the lag feed and a progress bar carry it. */
    public WorkProgress asWork() {
        return WorkProgress.of("rows", rows, estimatedRows > 0 ? estimatedRows : null,
                "tables " + tablesDone + "/" + tablesTotal + ", " + bytes / (1024 * 1024) + " MB", startedAt, at);
    }

    /** Rows per second so far. */
    @JsonProperty
    public double rowsPerSecond() {
        return asWork().perSecond();
    }

    /** Seconds left at the current rate; null when not known. */
    @JsonProperty
    public Long secondsLeft() {
        return asWork().secondsLeft();
    }
}
