package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.events.Consistency;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.replication.copy.CopyStore.TableCopy;

import java.util.Collection;

/**
 * Whether the standby is a state the source had at one of its commits: a pure function of what the applier knows.
 * In order of gravity: a gap (changes lost) → GAP; a refused change (the link waits) → TABLE_STOPPED; a table not
 * yet copied → COPYING; a table copied at a snapshot the stream has not yet passed → COPYING (that table is ahead
 * of the others); else CONSISTENT.
 */
public final class ConsistencyRule {

    private ConsistencyRule() {
    }

    /** A copy under way: {@code copied} of {@code total} tables done. */
    public static StandbyConsistency copying(int copied, int total) {
        return new StandbyConsistency(Consistency.COPYING, "standby copy incomplete: " + copied + " of " + total
                + " tables copied", copied, total);
    }

    /**
     * @param copies         every table of the link with its copy state
     * @param gap            the gap's description, or null
     * @param stopped        the refused change, or null
     * @param appliedCommit  the source's commit LSN of the last transaction applied (0 before the first)
     */
    public static StandbyConsistency of(Collection<TableCopy> copies, String gap, Unappliable stopped,
            long appliedCommit) {
        int total = copies.size();
        int copied = (int) copies.stream().filter(TableCopy::copied).count();
        if (gap != null) {
            return new StandbyConsistency(Consistency.GAP, "change stream gap: " + gap, copied, total);
        }
        if (stopped != null) {
            return new StandbyConsistency(Consistency.TABLE_STOPPED, "table " + stopped.table() + " stopped at a"
                    + " change the target refuses (" + stopped.cause() + "); the standby waits before that"
                    + " transaction", copied, total);
        }
        if (copied < total) {
            return copying(copied, total);
        }
        long horizon = copies.stream().mapToLong(c -> c.snapshot().walLsn()).max().orElse(0);
        if (Long.compareUnsigned(appliedCommit, horizon) < 0) {
            return new StandbyConsistency(Consistency.COPYING, "standby copy complete (" + total + " tables), the"
                    + " stream catching up to " + SourcePosition.lsnText(horizon) + " where the last copy was taken"
                    + " (applied " + SourcePosition.lsnText(appliedCommit) + ")", copied, total);
        }
        return new StandbyConsistency(Consistency.CONSISTENT, "every table copied (" + copied + " of " + total
                + "), none stopped, no gap", copied, total);
    }
}
