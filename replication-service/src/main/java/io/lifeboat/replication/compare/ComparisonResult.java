package io.lifeboat.replication.compare;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One comparison of a link's two databases, as {@code GET /links/{id}/compare} shows it.
 *
 * @param sourcePosition the source's WAL position the comparison was taken at (both sides had passed it)
 * @param firstPassRows  rows that differed between the two snapshots, before the recheck (rows the transactions
 *                       committed between them touched, and the real differences)
 * @param differences    per table that differs: how many rows, and the first keys
 * @param notCompared    tables only the source has (drift), by name
 */
public record ComparisonResult(String linkId, Outcome outcome, String reason, String sourceSite, String targetSite,
        String sourcePosition, Instant startedAt, Instant finishedAt, int tablesCompared, long sourceRows,
        long targetRows, long firstPassRows, List<TableDifference> differences, List<String> notCompared) {

    public enum Outcome {
        /** Every table's rows are the same at both sides at the compared position. */
        EQUAL,
        /** Some rows differ; {@code differences} names tables and keys. */
        DIFFERENT,
        /** Could not be compared now (link copying, standby not caught up in time); the reason says why. */
        NOT_COMPARED,
        /** A database could not be read; the reason says why. */
        FAILED,
        /** Under way. */
        RUNNING
    }

    /**
     * @param rows  differing rows (changed, only at the source, only at the target)
     * @param keys  the first of them, primary-key column to value
     */
    public record TableDifference(String table, long rows, List<Map<String, String>> keys) {
    }

    public static ComparisonResult running(String linkId, String sourceSite, String targetSite, Instant startedAt) {
        return new ComparisonResult(linkId, Outcome.RUNNING, "comparing", sourceSite, targetSite, null, startedAt, null,
                0, 0, 0, 0, List.of(), List.of());
    }

    ComparisonResult ended(Outcome outcome, String why) {
        return new ComparisonResult(linkId, outcome, why, sourceSite, targetSite, sourcePosition, startedAt,
                Instant.now(), tablesCompared, sourceRows, targetRows, firstPassRows, differences, notCompared);
    }
}
