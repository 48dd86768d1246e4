package io.lifeboat.replication.link;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.PgEndpoint;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/** Where the source's WAL stands, and waiting until the link's capture has passed it (DRAIN, REVERSE). */
final class CaptureWait {

    private CaptureWait() {
    }

    /** The source's {@code pg_current_wal_lsn()}; throws when it cannot be reached. */
    static long sourceWal(PgEndpoint source, String linkId) throws SQLException {
        try (Connection c = source.connect("lifeboat-wal-" + linkId);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            r.next();
            return SourcePosition.parseLsn(r.getString(1));
        }
    }

    /** @return whether the capture passed {@code lsn} within the time */
    static boolean captured(ReplicationLink link, long lsn, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (link.producedLsn < lsn && Instant.now().isBefore(deadline)) {
            Thread.sleep(100); // waiting on the capture thread's progress, bounded by the deadline
        }
        return link.producedLsn >= lsn;
    }
}
