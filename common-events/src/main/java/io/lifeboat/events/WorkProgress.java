package io.lifeboat.events;

import java.time.Duration;
import java.time.Instant;

/**
 * Long work under way on a link, as a progress bar shows it: a copy of tables (a first copy, a resync, a REVERSE's
 * full copy; {@code unit} rows) or a reconcile of a bucket ({@code unit} objects compared).
 *
 * @param unit        what {@code done} and {@code total} count: {@code rows} or {@code objects}
 * @param done        how many so far
 * @param total       how many in all, where known (a source's row estimate; a bucket's listing once it has ended)
 * @param perSecond   the rate so far
 * @param secondsLeft the estimate at that rate; null when the total is not known
 * @param detail      the rest in words: "tables 3/7, 412 MB" or "copied 12, conflicts 0, listed 4,000"
 */
public record WorkProgress(String unit, long done, Long total, double perSecond, Long secondsLeft, String detail,
        Instant startedAt) {

    /** The figures from what was counted since {@code startedAt}. */
    public static WorkProgress of(String unit, long done, Long total, String detail, Instant startedAt, Instant now) {
        double seconds = Math.max(0.001, Duration.between(startedAt, now).toMillis() / 1000.0);
        double rate = done / seconds;
        Long left = total == null || total <= 0 || rate <= 0 ? null : Math.max(0, (long) ((total - done) / rate));
        return new WorkProgress(unit, done, total, Math.round(rate * 10) / 10.0, left, detail, startedAt);
    }

    /** Done of total in percent (0–100), where the total is known. */
    public Double percent() {
        return total == null || total <= 0 ? null : Math.min(100.0, 100.0 * done / total);
    }
}
