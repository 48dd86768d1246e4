package io.lifeboat.replication.db;

/**
 * Where a change sits in the source's stream: Debezium's {@code sequence} = (last commit LSN, change LSN). Compared
 * as a pair, it only grows along the stream, even though LSNs of concurrent transactions interleave in the WAL.
 *
 * @param commitMillis the source's commit time of the change's transaction
 */
public record SourcePosition(long commitLsn, long lsn, long txId, long commitMillis) implements Comparable<SourcePosition> {

    @Override
    public int compareTo(SourcePosition other) {
        int byCommit = Long.compareUnsigned(commitLsn, other.commitLsn);
        return byCommit != 0 ? byCommit : Long.compareUnsigned(lsn, other.lsn);
    }

    public boolean atOrBelow(SourcePosition other) {
        return other != null && compareTo(other) <= 0;
    }

    /** PostgreSQL's textual form, {@code 16/B374D848}. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    public static long parseLsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }
}
