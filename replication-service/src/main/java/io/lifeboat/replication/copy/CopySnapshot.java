package io.lifeboat.replication.copy;

import java.util.Arrays;

/**
 * The source snapshot a table was copied at, as PostgreSQL's {@code pg_current_snapshot()} gives it
 * ({@code xmin:xmax:xip,...}, 64-bit transaction ids), plus the source's WAL position when it was taken.
 *
 * <p>The one rule of the copy: a source transaction's changes to the table are in the copy exactly when that
 * transaction is visible in the snapshot; so the applier skips a streamed change to the table when its transaction
 * is visible in it, and applies it otherwise. Every streamed transaction not visible in the snapshot commits after
 * the snapshot was taken, and the link's slot existed before (it is created first), so it is in the stream.
 *
 * @param walLsn the source's {@code pg_current_wal_lsn()} right after the snapshot: every transaction visible in it
 *               committed before; once the applier has passed this position, the table agrees with the others
 */
public record CopySnapshot(long xmin, long xmax, long[] inProgress, long walLsn) {

    public static CopySnapshot parse(String text, long walLsn) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a pg_snapshot: " + text);
        }
        long[] xip = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
        return new CopySnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip, walLsn);
    }

    /** The form {@link #parse} reads. */
    public String text() {
        StringBuilder b = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < inProgress.length; i++) {
            b.append(i == 0 ? "" : ",").append(inProgress[i]);
        }
        return b.toString();
    }

    /**
     * Whether the transaction with this 32-bit id (as logical decoding reports it) is visible in the snapshot, i.e.
     * committed before it: its changes are in the copy. The 32-bit id is widened against xmax's epoch (transactions
     * that reach the applier are at most 2^31 ids away from the snapshot).
     */
    public boolean visible(long xid32) {
        long xid = widen(xid32 & 0xFFFFFFFFL);
        if (xid < xmin) {
            return true;
        }
        if (xid >= xmax) {
            return false;
        }
        return Arrays.binarySearch(inProgress, xid) < 0;
    }

    private long widen(long xid32) {
        long epoch = xmax >>> 32;
        long candidate = (epoch << 32) | xid32;
        // Nearest to xmax: an id far above it belongs to the previous epoch, far below to the next.
        if (candidate - xmax > (1L << 31)) {
            candidate -= 1L << 32;
        } else if (xmax - candidate > (1L << 31)) {
            candidate += 1L << 32;
        }
        return candidate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CopySnapshot s && s.xmin == xmin && s.xmax == xmax && Arrays.equals(s.inProgress, inProgress)
                && s.walLsn == walLsn;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(xmin) * 31 + Long.hashCode(xmax);
    }

    @Override
    public String toString() {
        return text() + "@" + walLsn;
    }
}
