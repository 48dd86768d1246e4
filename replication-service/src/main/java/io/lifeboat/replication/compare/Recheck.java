package io.lifeboat.replication.compare;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.ComparisonSessions;
import io.lifeboat.replication.db.PgEndpoint;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells a real difference from a row that changed while the snapshots were taken. The source snapshot and the
 * target snapshot of the first pass hold the same transactions up to the source position, but the target's may
 * hold a few more (those the applier committed together with the last one before it was read): rows they touched
 * differ in the first pass without being wrong. Each candidate is read again:
 *
 * <ol>
 *   <li>at the source, with a share lock ({@code FOR SHARE}): a row the source has cannot be changed by any source
 *       transaction until this check ends, and every transaction that wrote it committed before the source WAL
 *       position read right after;</li>
 *   <li>at the target, in a snapshot past that position ({@link StandbyPosition}): it must hold that row exactly;</li>
 *   <li>at the source again, without a lock, for the keys it did not have (a missing row cannot be locked).</li>
 * </ol>
 *
 * A row the source has is decided at once. A key the source has at neither read while the target has it is read
 * again in the next round and reported only if that holds in every round; a key the source gained between its two
 * reads is moving (its insert is on its way) and is dropped.
 */
final class Recheck {

    static final int ROUNDS = 3;
    private static final int CHUNK = 500;

    private Recheck() {
    }

    static List<List<String>> differing(TableSql sql, List<List<String>> candidates, PgEndpoint source,
            PgEndpoint target, String linkId, Duration wait) throws Exception {
        List<List<String>> proven = new ArrayList<>();
        List<List<String>> open = candidates;
        for (int round = 1; round <= ROUNDS && !open.isEmpty(); round++) {
            List<List<String>> next = new ArrayList<>();
            for (int from = 0; from < open.size(); from += CHUNK) {
                round(sql, open.subList(from, Math.min(open.size(), from + CHUNK)), source, target, linkId, wait,
                        proven, next);
            }
            open = next;
        }
        Set<List<String>> all = new LinkedHashSet<>(proven);
        all.addAll(open);
        return new ArrayList<>(all);
    }

    private static void round(TableSql sql, List<List<String>> keys, PgEndpoint source, PgEndpoint target,
            String linkId, Duration wait, List<List<String>> proven, List<List<String>> next) throws Exception {
        try (Connection s = open(source, linkId); Connection t = open(target, linkId)) {
            s.setAutoCommit(false);
            try (Statement st = s.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
            Map<List<String>, String> locked = sql.rowsOf(s, keys, true);
            long position;
            try (Statement st = s.createStatement(); ResultSet r = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                r.next();
                position = SourcePosition.parseLsn(r.getString(1));
            }
            StandbyPosition.snapshotPast(t, linkId, position, wait);
            Map<List<String>, String> standby = sql.rowsOf(t, keys, false);
            t.rollback();
            List<List<String>> missing = keys.stream().filter(k -> !locked.containsKey(k)).toList();
            Map<List<String>, String> later = sql.rowsOf(s, missing, false); // READ COMMITTED: a new snapshot
            s.rollback();
            for (List<String> k : keys) {
                switch (verdict(locked.get(k), standby.get(k), later.containsKey(k))) {
                    case DIFFERS -> proven.add(k);
                    case AGAIN -> next.add(k);
                    case SAME, MOVING -> { }
                    default -> throw new IllegalStateException();
                }
            }
        }
    }

    /** What one round says of a key. */
    enum Verdict {
        /** The source's locked row and the standby's differ (or the standby lacks it): a real difference. */
        DIFFERS,
        /** Both have the row alike, or neither has it. */
        SAME,
        /** The source lacked it at both reads, the standby has it: read again next round, reported after the last. */
        AGAIN,
        /** The source gained it between its reads: an insert on its way, not a difference. */
        MOVING
    }

    /**
     * @param locked  the source's row hash read under a share lock, null when the source had no such row
     * @param standby the standby's row hash past the position read after the lock, null when it has none
     * @param later   whether the source has the key at its second read (after the standby's)
     */
    static Verdict verdict(String locked, String standby, boolean later) {
        if (locked != null) {
            return locked.equals(standby) ? Verdict.SAME : Verdict.DIFFERS;
        }
        if (later) {
            return Verdict.MOVING;
        }
        return standby == null ? Verdict.SAME : Verdict.AGAIN;
    }

    static Connection open(PgEndpoint endpoint, String linkId) throws SQLException {
        Connection c = endpoint.connect(ComparisonSessions.applicationName(linkId));
        try (Statement s = c.createStatement()) {
            for (String setting : TableSql.CANONICAL_TEXT) {
                s.execute(setting);
            }
        }
        return c;
    }
}
