package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
/**
 * Where the applier stands in a link's change stream, and what to do with the next record: a pure function from
 * (cursor, record) to (decision, next cursor), with the reason in words. It is what makes the standby see only
 * whole source transactions, once each, in commit order.
 *
 * <p>Why it is right. The stream is one Kafka partition written in the slot's order: each source transaction as
 * BEGIN, its changes, END, one transaction after the other in commit order. Every record of a transaction carries
 * the same key (the commit LSN of the transaction before it), and keys grow strictly from one transaction to the
 * next. Debezium may send records again after a crash (at least once), always a suffix of what it sent before, with
 * the same keys and LSNs. So:
 * <ul>
 *   <li>a record whose key is at or below the last ENDED transaction's is a re-send of something applied: skip;</li>
 *   <li>within the open transaction, a change at or below the last applied (LSN, ordinal) is a re-send: skip;</li>
 *   <li>the target commits only right after an END, so a target transaction holds whole source transactions;</li>
 *   <li>an open transaction of which only the BEGIN was seen gives way to a later key: it is the same transaction
 *       sent again under the key Debezium knows after a restart, or one with nothing to apply;</li>
 *   <li>anything else (a new key while a transaction with changes is open, a key going backwards) means a record is
 *       missing: the applier stops the link rather than guess.</li>
 * </ul>
 *
 * @param lastEnded the key of the newest transaction whose END was applied; -1 before the first
 * @param open      the transaction being applied, or null between transactions
 */
public record TransactionCursor(long lastEnded, Open open) {

    /** The open transaction: its key, its source transaction id, and the newest change applied in it. */
    public record Open(long key, long xid, long lastLsn, int lastOrdinal, long changes) {
    }

    /** The key of a record the capture sent before it knew any transaction's place (after a start). */
    public static final long UNKNOWN = -1;

    public enum Action {
        /** Apply the change in the open target transaction. */
        APPLY,
        /** Nothing to do: a BEGIN, or a re-send of what is applied already. */
        SKIP,
        /** The transaction is whole: the target may commit here. */
        COMMIT_POINT,
        /** A record is missing or out of order: stop, never guess. */
        BROKEN
    }

    public record Step(Action action, TransactionCursor next, String reason) {
    }

    public static TransactionCursor start(long lastEnded) {
        return new TransactionCursor(lastEnded, null);
    }

    public boolean between() {
        return open == null;
    }

    public Step begin(long key) {
        if (!after(key, lastEnded)) {
            return skip("BEGIN of transaction " + key + " sent again: it is applied already");
        }
        if (open == null) {
            return new Step(Action.SKIP, new TransactionCursor(lastEnded, new Open(key, -1, -1, -1, 0)),
                    "transaction " + key + " begins");
        }
        // Another key while one is open: the open one sent again under a new key (Debezium does not know the
        // previous commit of the first transaction after it starts, and knows it after a restart), or a lost END.
        // Its first change tells which, by the source transaction id.
        return skip("BEGIN of transaction " + key + " while transaction " + open.key + " is open: its first change"
                + " tells whether it is the same transaction");
    }

    public Step data(long key, long lsn, int ordinal, long xid) {
        if (!after(key, lastEnded)) {
            return skip("change of transaction " + key + " sent again: it is applied already");
        }
        if (open == null) {
            // A transaction resumed by the capture after a restart, its BEGIN not sent again.
            return apply(new Open(key, xid, lsn, ordinal, 1), "first change of transaction " + key);
        }
        if (open.key != key && open.xid == xid && xid > 0 && after(key, lastEnded)) {
            // The open transaction sent again under another key: the same source transaction, continued.
            return new TransactionCursor(lastEnded, new Open(key, xid, open.lastLsn, open.lastOrdinal, open.changes))
                    .data(key, lsn, ordinal, xid);
        }
        if (open.key != key && open.changes == 0 && after(key, open.key)) {
            // Only the open transaction's BEGIN was seen (no change, so no source id to match): the same transaction
            // sent again under its later key, or one whose END and changes never came; nothing of it was applied, so
            // the transaction goes on from this change under the new key.
            return new TransactionCursor(lastEnded, null).data(key, lsn, ordinal, xid);
        }
        if (open.key != key) {
            return broken(after(key, open.key)
                    ? "a change of transaction " + key + " arrives while transaction " + open.key + " has not ended:"
                            + " its END is missing from the stream"
                    : "a change of transaction " + key + " arrives inside later transaction " + open.key
                            + ": the stream is out of order");
        }
        if (!after(lsn, open.lastLsn) && !(lsn == open.lastLsn && ordinal > open.lastOrdinal)) {
            return skip("change at " + SourcePosition.lsnText(lsn) + "#" + ordinal + " of transaction " + key
                    + " sent again");
        }
        return apply(new Open(key, xid, lsn, ordinal, open.changes + 1), "change of transaction " + key);
    }

    public Step end(long key) {
        return end(key, 0, 0);
    }

    /**
     * @param xid       the source transaction id the END carries, 0 when unknown
     * @param commitLsn the transaction's commit LSN, 0 when unknown
     *
     * <p>After a restart that resumed past a transaction's last change, its END comes alone under key
     * {@value #UNKNOWN}: the capture saw neither its BEGIN nor a change. Debezium resumes from the offset it last
     * flushed (once a second), which can be well behind what the killed capture had sent: the open transaction may
     * be the killed capture's unfinished last one, and this END one of a transaction it ended long before. The
     * commit LSN tells: the open transaction's key is the commit LSN of the transaction before it, so an END
     * committed at or before that key ended in the stream already. Otherwise the id says whether it closes the
     * open transaction.
     */
    public Step end(long key, long xid, long commitLsn) {
        if (key == UNKNOWN) {
            if (open == null) {
                return skip("END of a transaction sent again after a restart, nothing open: it is applied already");
            }
            if (commitLsn != 0 && !after(commitLsn, open.key)) {
                return skip("END of transaction " + xid + " committed at " + SourcePosition.lsnText(commitLsn)
                        + ", sent again after a restart: it ended before open transaction " + open.key + " began");
            }
            if ((xid > 0 && open.xid == xid) || open.changes == 0) {
                return new Step(Action.COMMIT_POINT, new TransactionCursor(open.key, null), "transaction " + open.key
                        + " is whole: its END came after a restart, under no key, with its transaction id " + xid);
            }
            return broken("END of an unknown transaction (id " + xid + ") while transaction " + open.key + " (id "
                    + open.xid + ") is open: the stream is missing records");
        }
        if (!after(key, lastEnded)) {
            return skip("END of transaction " + key + " sent again: it is applied already");
        }
        if (open != null && open.key != key && !(open.changes == 0 && after(key, open.key))) {
            return broken("END of transaction " + key + " while transaction " + open.key + " is open: the stream"
                    + " is missing records");
        }
        return new Step(Action.COMMIT_POINT, new TransactionCursor(key, null), "transaction " + key + " is whole");
    }

    private Step apply(Open next, String why) {
        return new Step(Action.APPLY, new TransactionCursor(lastEnded, next), why);
    }

    private Step skip(String why) {
        return new Step(Action.SKIP, this, why);
    }

    private Step broken(String why) {
        return new Step(Action.BROKEN, this, why);
    }

    private static boolean after(long a, long b) {
        return Long.compareUnsigned(a, b) > 0 || b == -1 && a != -1;
    }
}
