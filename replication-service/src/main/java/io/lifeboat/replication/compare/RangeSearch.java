package io.lifeboat.replication.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Narrows two tables down to the keys whose rows differ: a range whose row count and hash sum are the same at both
 * sides is equal (up to a 64-bit hash collision); a differing range small enough is compared row by row; a larger
 * one is cut into parts at the keys of the side that has more rows in it, and each part is compared again. Pure
 * apart from the questions it asks {@link BothSides}.
 */
public final class RangeSearch {

    /** What to do with a range once both sides summarised it. */
    public enum Decision {
        /** Same rows and hash sum: nothing differs in it. */
        EQUAL,
        /** Differs and is small enough: fetch its rows' hashes from both sides. */
        ROWS,
        /** Differs and is too large: cut it at one side's keys. */
        SPLIT
    }

    /** @param leafRows at most this many rows (at the larger side) are compared row by row */
    public record Settings(long leafRows, int parts, int keepKeys) {
        public Settings {
            if (leafRows < 1 || parts < 2 || keepKeys < 0) {
                throw new IllegalArgumentException("leafRows >= 1, parts >= 2, keepKeys >= 0: " + leafRows + ", "
                        + parts + ", " + keepKeys);
            }
        }
    }

    /** The differing keys: the first {@code keepKeys} of them in the order found, and how many there are. */
    public record Found<K>(List<K> keys, long count, long sourceRows, long targetRows, long queries) {
    }

    private RangeSearch() {
    }

    public static Decision decide(RangeSummary source, RangeSummary target, long leafRows) {
        if (source.sameAs(target)) {
            return Decision.EQUAL;
        }
        return Math.max(source.rows(), target.rows()) <= leafRows ? Decision.ROWS : Decision.SPLIT;
    }

    /** The side whose keys cut the range: the one with more rows in it, so every part has fewer of them. */
    public static int splitSide(RangeSummary source, RangeSummary target) {
        return target.rows() > source.rows() ? 1 : 0;
    }

    /** The parts of a range cut at these keys (ascending, inside the range, not its last key). */
    public static <K> List<KeyRange<K>> cut(KeyRange<K> range, List<K> points) {
        List<KeyRange<K>> parts = new ArrayList<>(points.size() + 1);
        K after = range.after();
        for (K point : points) {
            parts.add(new KeyRange<>(after, point));
            after = point;
        }
        parts.add(new KeyRange<>(after, range.upTo()));
        return parts;
    }

    /** Keys whose row hash differs or that one side lacks: the source's order first, then the target's extras. */
    public static <K> List<K> differingKeys(Map<K, String> source, Map<K, String> target) {
        List<K> keys = new ArrayList<>();
        source.forEach((k, hash) -> {
            if (!hash.equals(target.get(k))) {
                keys.add(k);
            }
        });
        target.keySet().stream().filter(k -> !source.containsKey(k)).forEach(keys::add);
        return keys;
    }

    /** Compares the whole table, starting with one summary of all of it (equal tables cost one scan per side). */
    public static <K> Found<K> run(BothSides<K> sides, Settings settings) throws Exception {
        List<K> keys = new ArrayList<>();
        long count = 0;
        long queries = 0;
        long sourceRows = -1;
        long targetRows = -1;
        Deque<KeyRange<K>> todo = new ArrayDeque<>();
        todo.push(KeyRange.all());
        while (!todo.isEmpty()) {
            KeyRange<K> range = todo.pop();
            RangeSummary[] s = sides.summaries(range);
            queries++;
            if (sourceRows < 0) {
                sourceRows = s[0].rows();
                targetRows = s[1].rows();
            }
            switch (decide(s[0], s[1], settings.leafRows())) {
                case EQUAL -> { }
                case ROWS -> {
                    List<Map<K, String>> rows = sides.rows(range);
                    queries++;
                    for (K k : differingKeys(rows.get(0), rows.get(1))) {
                        count++;
                        if (keys.size() < settings.keepKeys()) {
                            keys.add(k);
                        }
                    }
                }
                case SPLIT -> {
                    int side = splitSide(s[0], s[1]);
                    long rows = s[side].rows();
                    long step = (rows + settings.parts() - 1) / settings.parts();
                    List<KeyRange<K>> parts = cut(range, sides.splitPoints(side, range, rows, step));
                    queries++;
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.push(parts.get(i)); // first part on top: keys are found in key order
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Found<>(keys, count, sourceRows, targetRows, queries);
    }
}
