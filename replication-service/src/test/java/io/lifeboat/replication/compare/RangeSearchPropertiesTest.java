package io.lifeboat.replication.compare;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search's promise, over arbitrary key sets and differences (values changed, rows only the source has, rows
 * only the target has, anywhere, also whole runs of them): it finds exactly the keys that differ, counts them all,
 * keeps the first ones in key order, and an equal pair of tables costs one summary.
 */
class RangeSearchPropertiesTest {

    /** Two tables as maps, summarised like the SQL does (count, sum of hashes). */
    record MapSides(NavigableMap<Long, String> source, NavigableMap<Long, String> target) implements BothSides<Long> {

        private static NavigableMap<Long, String> in(NavigableMap<Long, String> t, KeyRange<Long> r) {
            NavigableMap<Long, String> m = t;
            if (r.after() != null) {
                m = m.tailMap(r.after(), false);
            }
            if (r.upTo() != null) {
                m = m.headMap(r.upTo(), true);
            }
            return m;
        }

        private static RangeSummary summary(NavigableMap<Long, String> rows) {
            long sum = rows.values().stream().mapToLong(v -> (long) v.hashCode()).sum();
            return new RangeSummary(rows.size(), Long.toString(sum));
        }

        @Override
        public RangeSummary[] summaries(KeyRange<Long> range) {
            return new RangeSummary[] {summary(in(source, range)), summary(in(target, range))};
        }

        @Override
        public List<Long> splitPoints(int side, KeyRange<Long> range, long rows, long step) {
            List<Long> keys = new ArrayList<>(in(side == 0 ? source : target, range).keySet());
            assertThat((long) keys.size()).isEqualTo(rows);
            List<Long> points = new ArrayList<>();
            for (long i = step; i < rows; i += step) {
                points.add(keys.get((int) i - 1));
            }
            return points;
        }

        @Override
        public List<Map<Long, String>> rows(KeyRange<Long> range) {
            return List.of(new LinkedHashMap<>(in(source, range)), new LinkedHashMap<>(in(target, range)));
        }
    }

    record Case(TreeMap<Long, String> source, TreeMap<Long, String> target, Set<Long> differing) {
    }

    @Provide
    Arbitrary<Case> tables() {
        Arbitrary<Set<Long>> keys = Arbitraries.longs().between(-5_000, 5_000).set().ofMaxSize(1_500);
        Arbitrary<List<Integer>> edits = Arbitraries.integers().between(0, 9).list().ofMaxSize(1_500);
        Arbitrary<Set<Long>> extras = Arbitraries.longs().between(-6_000, 6_000).set().ofMaxSize(60);
        Arbitrary<Integer> runStart = Arbitraries.integers().between(-1, 1_500);
        return Combinators.combine(keys, edits, extras, runStart).as((k, e, x, run) -> {
            TreeMap<Long, String> source = new TreeMap<>();
            k.forEach(key -> source.put(key, "row " + key));
            TreeMap<Long, String> target = new TreeMap<>(source);
            Set<Long> differing = new TreeSet<>();
            int i = 0;
            for (Long key : source.keySet()) {
                int edit = i < e.size() ? e.get(i) : 0;
                // a run of 40 deleted rows somewhere: a whole range missing at the target
                boolean inRun = run >= 0 && i >= run && i < run + 40;
                if (inRun || edit == 1) {
                    target.remove(key);
                    differing.add(key);
                } else if (edit == 2) {
                    target.put(key, "changed " + key);
                    differing.add(key);
                }
                i++;
            }
            for (Long key : x) {
                if (!source.containsKey(key)) {
                    target.put(key, "extra " + key);
                    differing.add(key);
                }
            }
            return new Case(source, target, differing);
        });
    }

    @Property(tries = 300)
    void findsExactlyTheKeysThatDiffer(@ForAll("tables") Case c, @ForAll @IntRange(min = 1, max = 50) int leafRows,
            @ForAll @IntRange(min = 2, max = 17) int parts, @ForAll @IntRange(min = 0, max = 30) int keepKeys)
            throws Exception {
        RangeSearch.Found<Long> found = RangeSearch.run(new MapSides(c.source(), c.target()),
                new RangeSearch.Settings(leafRows, parts, keepKeys));

        assertThat(found.count()).isEqualTo(c.differing().size());
        assertThat(found.sourceRows()).isEqualTo(c.source().size());
        assertThat(found.targetRows()).isEqualTo(c.target().size());
        List<Long> all = RangeSearch.run(new MapSides(c.source(), c.target()),
                new RangeSearch.Settings(leafRows, parts, Integer.MAX_VALUE)).keys();
        assertThat(new TreeSet<>(all)).isEqualTo(c.differing());
        assertThat(all).hasSize(c.differing().size()); // none found twice
        assertThat(found.keys()).isEqualTo(all.subList(0, Math.min(keepKeys, all.size())));
        if (c.differing().isEmpty()) {
            assertThat(found.queries()).isEqualTo(1);
        }
    }

    @Property(tries = 100)
    void aSingleChangedValueInALargeTableCostsFewQueries(@ForAll @IntRange(min = 0, max = 99_999) int changed) {
        TreeMap<Long, String> source = new TreeMap<>();
        for (long k = 0; k < 100_000; k++) {
            source.put(k, "row " + k);
        }
        TreeMap<Long, String> target = new TreeMap<>(source);
        target.put((long) changed, "changed");
        RangeSearch.Found<Long> found;
        try {
            found = RangeSearch.run(new MapSides(source, target), new RangeSearch.Settings(1_000, 16, 100));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(found.keys()).containsExactly((long) changed);
        // one summary of the table, then per level one cut and at most 16 summaries, then the rows of one part
        assertThat(found.queries()).isLessThanOrEqualTo(1 + 3 * 17 + 1);
    }
}
