package io.lifeboat.replication.apply;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cursor's promise, over random streams: whatever Debezium sends again after crashes (any suffix, starting at
 * any record, also in the middle of a transaction without its BEGIN), every change is applied exactly once, in
 * order, and the target may commit only right after a whole transaction. A stream that lost a record is stopped,
 * never applied in part.
 */
class TransactionCursorPropertiesTest {

    /** A record as the stream carries it; an END also its commit LSN. */
    record Rec(char kind, long key, long lsn, int ordinal, long xid, long commit) {
        Rec(char kind, long key, long lsn, int ordinal) {
            this(kind, key, lsn, ordinal, 0, 0);
        }

        Rec(char kind, long key, long lsn, int ordinal, long xid) {
            this(kind, key, lsn, ordinal, xid, 0);
        }
    }

    /** Transactions with strictly growing keys, 0 to 5 changes each, some sharing an LSN (a key update). */
    static List<Rec> transactions(long seed, int count) {
        Random random = new Random(seed);
        List<Rec> stream = new ArrayList<>();
        long key = random.nextInt(3); // the first transaction's key may be 0 (no commit before it)
        long lsn = 1000;
        for (int t = 0; t < count; t++) {
            stream.add(new Rec('B', key, 0, 0));
            int changes = random.nextInt(6);
            long xid = 100 + t;
            for (int c = 0; c < changes; c++) {
                lsn += 1 + random.nextInt(50);
                stream.add(new Rec('D', key, lsn, 0, xid));
                if (random.nextInt(5) == 0) {
                    stream.add(new Rec('D', key, lsn, 1, xid)); // a second change at the same LSN
                }
            }
            lsn += 10;
            stream.add(new Rec('E', key, 0, 0, xid, lsn));
            key = lsn; // the next transaction's key: this one's commit
        }
        return stream;
    }

    /**
     * The stream as delivered after {@code crashes} crashes: each re-sends everything from an earlier record, as the
     * capture does. A re-send that starts at a transaction's END (Debezium resumed past its last change) sends that
     * END alone, under no key: the new capture saw neither its BEGIN nor a change.
     */
    static List<Rec> withResends(List<Rec> original, long seed, int crashes) {
        Random random = new Random(seed);
        List<Rec> delivered = new ArrayList<>(original);
        for (int i = 0; i < crashes && !original.isEmpty(); i++) {
            int cut = random.nextInt(delivered.size() + 1);
            // Debezium resumes at or before what it had sent: an index into the original at or before the cut's.
            int sentUpTo = Math.min(original.size(), originalIndex(delivered, cut, original));
            int from = random.nextInt(sentUpTo + 1);
            List<Rec> next = new ArrayList<>(delivered.subList(0, cut));
            next.addAll(original.subList(from, original.size()));
            Rec first = from < original.size() ? original.get(from) : null;
            if (first != null && first.kind() == 'E') {
                next.set(cut, new Rec('E', TransactionCursor.UNKNOWN, 0, 0, first.xid(), first.commit()));
            }
            delivered = next;
        }
        return delivered;
    }

    /** How far into the original stream the first {@code cut} delivered records reached. */
    private static int originalIndex(List<Rec> delivered, int cut, List<Rec> original) {
        int reached = 0;
        for (int i = 0; i < cut; i++) {
            int at = original.indexOf(delivered.get(i));
            reached = Math.max(reached, at + 1);
        }
        return reached;
    }

    record Outcome(List<Rec> applied, List<Integer> commitPoints, String broken, TransactionCursor last) {
    }

    static Outcome feed(List<Rec> delivered) {
        TransactionCursor cursor = TransactionCursor.start(-1);
        List<Rec> applied = new ArrayList<>();
        List<Integer> commits = new ArrayList<>();
        for (Rec r : delivered) {
            TransactionCursor.Step step = switch (r.kind()) {
                case 'B' -> cursor.begin(r.key());
                case 'D' -> cursor.data(r.key(), r.lsn(), r.ordinal(), r.xid());
                default -> cursor.end(r.key(), r.xid(), r.commit());
            };
            switch (step.action()) {
                case APPLY -> applied.add(r);
                case COMMIT_POINT -> commits.add(applied.size());
                case BROKEN -> {
                    return new Outcome(applied, commits, step.reason(), cursor);
                }
                default -> {
                }
            }
            cursor = step.next();
        }
        return new Outcome(applied, commits, null, cursor);
    }

    @Property(tries = 500)
    void everyChangeExactlyOnceInOrderWhateverIsSentAgain(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int count,
            @ForAll @IntRange(min = 0, max = 4) int crashes) {
        List<Rec> original = transactions(seed, count);
        Outcome outcome = feed(withResends(original, seed ^ 0x5DEECE66DL, crashes));
        assertThat(outcome.broken()).isNull();
        assertThat(outcome.applied()).containsExactlyElementsOf(original.stream().filter(r -> r.kind() == 'D').toList());
        // A commit point after each transaction, exactly when all of its changes (and those before) are applied.
        List<Integer> expectedCommits = new ArrayList<>();
        int changes = 0;
        for (Rec r : original) {
            if (r.kind() == 'D') {
                changes++;
            } else if (r.kind() == 'E') {
                expectedCommits.add(changes);
            }
        }
        assertThat(outcome.commitPoints()).containsExactlyElementsOf(expectedCommits);
        assertThat(outcome.last().between()).isTrue();
    }

    /**
     * Debezium does not know the commit before the first transaction it streams after a start (key 0); sent again
     * after a restart, the same transaction carries the key it then knows. Its source transaction id says it is the
     * same one: continued, not a gap. Another id at that moment is a lost END.
     */
    @org.junit.jupiter.api.Test
    void aTransactionSentAgainUnderAnotherKeyIsContinuedByItsTransactionId() {
        List<Rec> delivered = List.of(new Rec('B', 0, 0, 0), new Rec('D', 0, 10, 0, 5), new Rec('D', 0, 20, 0, 5),
                new Rec('B', 700, 0, 0), new Rec('D', 700, 20, 0, 5), new Rec('D', 700, 30, 0, 5),
                new Rec('E', 700, 0, 0), new Rec('B', 800, 0, 0), new Rec('D', 800, 50, 0, 6), new Rec('E', 800, 0, 0));
        Outcome outcome = feed(delivered);
        assertThat(outcome.broken()).isNull();
        assertThat(outcome.applied()).extracting(Rec::lsn).containsExactly(10L, 20L, 30L, 50L);
        assertThat(outcome.commitPoints()).containsExactly(3, 4);

        List<Rec> lostEnd = List.of(new Rec('B', 0, 0, 0), new Rec('D', 0, 10, 0, 5), new Rec('B', 700, 0, 0),
                new Rec('D', 700, 40, 0, 9), new Rec('E', 700, 0, 0));
        Outcome broken = feed(lostEnd);
        assertThat(broken.broken()).contains("END is missing");
        assertThat(broken.applied()).extracting(Rec::lsn).containsExactly(10L);
        assertThat(broken.commitPoints()).isEmpty();

        // Only the BEGIN of the first transaction after a start was seen (key 0, no change: no source id), then the
        // same transaction comes again under the key Debezium knows after a restart: it goes on, nothing is broken.
        List<Rec> rekeyedAfterBegin = List.of(new Rec('B', 0, 0, 0), new Rec('B', 700, 0, 0),
                new Rec('D', 700, 40, 0, 9), new Rec('E', 700, 0, 0));
        Outcome goesOn = feed(rekeyedAfterBegin);
        assertThat(goesOn.broken()).isNull();
        assertThat(goesOn.applied()).extracting(Rec::lsn).containsExactly(40L);
        assertThat(goesOn.commitPoints()).hasSize(1);
    }

    /**
     * After a restart that resumed past the open transaction's last change, its END comes alone, under no key (the
     * capture saw neither its BEGIN nor a change): its transaction id says it closes the open one. Seen in a CI run
     * after a broker SIGKILL, where the link stopped on a gap that was not one.
     */
    @org.junit.jupiter.api.Test
    void anEndAloneAfterARestartClosesTheOpenTransactionItsIdNames() {
        long unknown = TransactionCursor.UNKNOWN;
        Outcome whole = feed(List.of(new Rec('B', 700, 0, 0), new Rec('D', 700, 10, 0, 5), new Rec('D', 700, 20, 0, 5),
                new Rec('E', unknown, 0, 0, 5), new Rec('B', 900, 0, 0), new Rec('D', 900, 50, 0, 6),
                new Rec('E', 900, 0, 0, 6)));
        assertThat(whole.broken()).isNull();
        assertThat(whole.applied()).extracting(Rec::lsn).containsExactly(10L, 20L, 50L);
        assertThat(whole.commitPoints()).containsExactly(2, 3);
        assertThat(whole.last().lastEnded()).isEqualTo(900);

        // Another transaction's END, or one without an id, while changes are open: records are missing.
        for (long xid : new long[] {9, 0}) {
            Outcome broken = feed(List.of(new Rec('B', 700, 0, 0), new Rec('D', 700, 10, 0, 5),
                    new Rec('E', unknown, 0, 0, xid)));
            assertThat(broken.broken()).contains("END of an unknown transaction");
            assertThat(broken.commitPoints()).isEmpty();
        }

        // Nothing open: an END of something applied already, sent again; what follows goes on.
        Outcome again = feed(List.of(new Rec('B', 700, 0, 0), new Rec('D', 700, 10, 0, 5), new Rec('E', 700, 0, 0, 5),
                new Rec('E', unknown, 0, 0, 5), new Rec('B', 900, 0, 0), new Rec('D', 900, 50, 0, 6),
                new Rec('E', 900, 0, 0, 6)));
        assertThat(again.broken()).isNull();
        assertThat(again.applied()).extracting(Rec::lsn).containsExactly(10L, 50L);
        assertThat(again.commitPoints()).containsExactly(1, 2);
    }

    /**
     * Debezium resumes from the offset it flushed last (once a second), which can be behind what the killed capture
     * had sent: the re-send may begin with the lone END of a transaction that ended in the stream long before,
     * while the killed capture's unfinished last transaction is open. Its commit LSN, at or before the open
     * transaction's key, says it is a re-send. Seen in RecoveryIT: the link stopped on a gap that was not one. When
     * only the open transaction's BEGIN had been sent, taking that END as the open one's would have marked it ended
     * and skipped its changes when they came again.
     */
    @org.junit.jupiter.api.Test
    void aLoneEndOfAnEarlierTransactionAfterARestartIsASendAgainNotAGap() {
        long unknown = TransactionCursor.UNKNOWN;
        List<Rec> resent = List.of(new Rec('E', unknown, 0, 0, 5, 30), new Rec('B', 30, 0, 0),
                new Rec('D', 30, 40, 0, 6), new Rec('D', 30, 45, 0, 6), new Rec('E', 30, 0, 0, 6, 50));
        List<Rec> killedInAChange = new ArrayList<>(List.of(new Rec('B', 20, 0, 0), new Rec('D', 20, 25, 0, 5),
                new Rec('E', 20, 0, 0, 5, 30), new Rec('B', 30, 0, 0), new Rec('D', 30, 40, 0, 6)));
        killedInAChange.addAll(resent);
        Outcome goesOn = feed(killedInAChange);
        assertThat(goesOn.broken()).isNull();
        assertThat(goesOn.applied()).extracting(Rec::lsn).containsExactly(25L, 40L, 45L);
        assertThat(goesOn.commitPoints()).containsExactly(1, 3);

        List<Rec> killedAfterABegin = new ArrayList<>(List.of(new Rec('B', 20, 0, 0), new Rec('D', 20, 25, 0, 5),
                new Rec('E', 20, 0, 0, 5, 30), new Rec('B', 30, 0, 0)));
        killedAfterABegin.addAll(resent);
        Outcome nothingSkipped = feed(killedAfterABegin);
        assertThat(nothingSkipped.broken()).isNull();
        assertThat(nothingSkipped.applied()).extracting(Rec::lsn).containsExactly(25L, 40L, 45L);
        assertThat(nothingSkipped.commitPoints()).containsExactly(1, 3);
    }

    @Provide
    Arbitrary<Integer> lostIndex() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Property(tries = 300)
    void aLostEndStopsTheStreamBeforeTheNextTransactionsChanges(@ForAll long seed,
            @ForAll @IntRange(min = 2, max = 20) int count, @ForAll("lostIndex") int which) {
        List<Rec> original = transactions(seed, count);
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < original.size() - 1; i++) {
            if (original.get(i).kind() == 'E') {
                ends.add(i);
            }
        }
        int lost = ends.get(which % ends.size());
        List<Rec> delivered = new ArrayList<>(original);
        delivered.remove(lost);
        long openKey = original.get(lost).key();
        Outcome outcome = feed(delivered);
        if (original.stream().noneMatch(r -> r.kind() == 'D' && r.key() == openKey)) {
            // A transaction with no change lost nothing with its END: the stream goes on, every change applied once.
            assertThat(outcome.broken()).isNull();
            assertThat(outcome.applied()).extracting(Rec::lsn).containsExactlyElementsOf(
                    original.stream().filter(r -> r.kind() == 'D').map(Rec::lsn).toList());
            return;
        }
        assertThat(outcome.broken()).as("a transaction whose END is missing is never committed").isNotNull();
        assertThat(outcome.applied()).allMatch(r -> r.key() <= openKey);
        long whole = outcome.commitPoints().size();
        assertThat(whole).as("commit points only for the transactions before the broken one")
                .isEqualTo(original.subList(0, lost).stream().filter(r -> r.kind() == 'E').count());
    }
}
