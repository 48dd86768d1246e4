package io.lifeboat.replication.compare;

import java.util.List;
import java.util.Map;

/**
 * The two databases of a table as {@link RangeSearch} asks them: the shell answers in SQL ({@link SqlSides}), a
 * property test from maps. Index 0 is the source, 1 the target.
 */
public interface BothSides<K> {

    /** Rows and hash sum of the range at each side. */
    RangeSummary[] summaries(KeyRange<K> range) throws Exception;

    /**
     * Keys of one side inside the range, every {@code step}-th in key order, never the range's last key: the
     * boundaries that cut the range into parts of at most {@code step} of that side's rows.
     *
     * @param rows that side's rows in the range (from {@link #summaries})
     */
    List<K> splitPoints(int side, KeyRange<K> range, long rows, long step) throws Exception;

    /** Every row of the range at each side, key to row hash, in key order. */
    List<Map<K, String>> rows(KeyRange<K> range) throws Exception;
}
