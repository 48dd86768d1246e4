package io.lifeboat.replication.quarantine;

import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.source.Change;
import io.lifeboat.replication.source.ChangeSink;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A capture's changes into the quarantine table of the database that became active, each batch committed before
 * Debezium may move on: what REVERSE reads from the old source's slot is durable before anything is emptied.
 */
public final class QuarantineSink implements ChangeSink {

    private final String linkId;
    private final QuarantineStore.Reason reason;
    private final long epoch;
    private final String sourceSite;
    private final PgEndpoint keeper;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private Connection connection;

    /** @param keeper the database the entries are kept in (the active one) */
    public QuarantineSink(String linkId, QuarantineStore.Reason reason, long epoch, String sourceSite,
            PgEndpoint keeper) {
        this.linkId = linkId;
        this.reason = reason;
        this.epoch = epoch;
        this.sourceSite = sourceSite;
        this.keeper = keeper;
    }

    @Override
    public void write(List<Change> changes) throws SQLException {
        List<QuarantineStore.Entry> entries = new ArrayList<>();
        for (Change c : changes) {
            if (c.kind() == Change.Kind.DATA) {
                entries.add(entry(linkId, reason, epoch, sourceSite, c.table(), c.txKey(), c.lsn(), c.key(), c.value()));
                counts.merge(c.table(), 1L, Long::sum);
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        if (connection == null) {
            connection = keeper.connect("lifeboat-quarantine-" + linkId);
            connection.setAutoCommit(false);
        }
        try {
            QuarantineStore.add(connection, entries);
            connection.commit();
        } catch (SQLException e) {
            entries.forEach(en -> counts.merge(en.table(), -1L, Long::sum));
            close();
            throw e;
        }
    }

    static QuarantineStore.Entry entry(String linkId, QuarantineStore.Reason reason, long epoch, String sourceSite,
            String table, Long txKey, Long lsn, byte[] key, byte[] value) {
        return new QuarantineStore.Entry(0, linkId, reason, epoch, sourceSite, table, txKey, lsn,
                key == null ? null : new String(key, StandardCharsets.UTF_8),
                value == null ? null : new String(value, StandardCharsets.UTF_8), null);
    }

    /** Changes kept so far, per table. */
    public Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing is pending: every batch was committed or failed
            }
            connection = null;
        }
    }
}
