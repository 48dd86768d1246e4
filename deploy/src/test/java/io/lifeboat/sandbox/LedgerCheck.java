package io.lifeboat.sandbox;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A site's rows against what the demo writer itself recorded (its {@link CommitLedger}): every row it must hold
 * is there, and it holds no row the writer never wrote. Pure, so that it can be shown to fail.
 */
final class LedgerCheck {

    /** A demo measurement as both the ledger and the table know it: the site that wrote it and its id. */
    record Row(String site, long id) implements Comparable<Row> {

        static Row of(CommitLedger.Entry entry) {
            return new Row(entry.site(), entry.id());
        }

        @Override
        public int compareTo(Row o) {
            int bySite = site.compareTo(o.site);
            return bySite != 0 ? bySite : Long.compare(id, o.id);
        }

        @Override
        public String toString() {
            return site + ":" + id;
        }
    }

    /** @param missing rows the site must hold and does not; @param extra rows the site holds that were never written */
    record Result(Set<Row> missing, Set<Row> extra) {

        boolean ok() {
            return missing.isEmpty() && extra.isEmpty();
        }

        @Override
        public String toString() {
            return ok() ? "every required row there, nothing extra"
                    : missing.size() + " missing " + first(missing) + ", " + extra.size() + " extra " + first(extra);
        }

        private static String first(Set<Row> rows) {
            return rows.stream().limit(20).map(Row::toString).collect(Collectors.joining(", ", "[", rows.size() > 20 ? ", …]" : "]"));
        }
    }

    private LedgerCheck() {
    }

    /**
     * @param required the ledger's entries the site must hold; only COMMITTED ones count (an IN_DOUBT row may be
     *                 absent)
     * @param known    every entry of the ledger, any site, any status: a row outside it was never written
     * @param actual   the rows the site's database holds
     */
    static Result check(Collection<CommitLedger.Entry> required, Collection<CommitLedger.Entry> known, Set<Row> actual) {
        Set<Row> missing = required.stream().filter(e -> e.status() == CommitLedger.Status.COMMITTED).map(Row::of)
                .filter(row -> !actual.contains(row)).collect(Collectors.toCollection(TreeSet::new));
        Set<Row> written = known.stream().map(Row::of).collect(Collectors.toSet());
        Set<Row> extra = actual.stream().filter(row -> !written.contains(row))
                .collect(Collectors.toCollection(TreeSet::new));
        return new Result(missing, extra);
    }

    /** The entries of a ledger's text, as {@code GET /writer/committed} answers it. */
    static List<CommitLedger.Entry> parse(String text) {
        return text.lines().filter(line -> !line.isBlank()).map(CommitLedger.Entry::parse).toList();
    }
}
