package io.lifeboat.replication.copy;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.TableShape;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Copies tables from the source to the target with PostgreSQL's {@code COPY}, from one snapshot of the source,
 * several tables at once: the source streams {@code COPY (SELECT …) TO STDOUT} straight into the target's
 * {@code COPY … FROM STDIN}, nothing in between but a buffer.
 *
 * <p>Each table is emptied, filled and marked COPIED (with the snapshot) in one target transaction: a crash leaves
 * it as it was, never half full and marked complete. The snapshot is exported by a coordinator transaction that
 * stays open until every worker has imported it.
 */
public final class TableCopier {

    private static final Logger LOG = Logger.getLogger(TableCopier.class);
    private static final int WRITE_BATCH = 64 * 1024;

    private final String linkId;
    private final PgEndpoint source;
    private final PgEndpoint target;
    private final int parallelism;

    public TableCopier(String linkId, PgEndpoint source, PgEndpoint target, int parallelism) {
        this.linkId = linkId;
        this.source = source;
        this.target = target;
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * Copies the tables (source shapes), reporting progress as it goes.
     *
     * @return the snapshot every table was copied at
     */
    public CopySnapshot copy(Collection<TableShape> tables, Consumer<CopyProgress> progress) throws Exception {
        Instant started = Instant.now();
        try (Connection coordinator = source.connect("lifeboat-copy-" + linkId)) {
            coordinator.setAutoCommit(false);
            String exported;
            CopySnapshot snapshot;
            try (Statement s = coordinator.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet r = s.executeQuery("SELECT pg_export_snapshot(), pg_current_snapshot()::text,"
                        + " pg_current_wal_lsn()::text")) {
                    r.next();
                    exported = r.getString(1);
                    snapshot = CopySnapshot.parse(r.getString(2), SourcePosition.parseLsn(r.getString(3)));
                }
            }
            Map<String, Long> estimates = estimates(coordinator, tables);
            long estimated = estimates.values().stream().mapToLong(Long::longValue).sum();
            List<TableShape> queue = new ArrayList<>(tables);
            queue.sort((a, b) -> Long.compare(estimates.getOrDefault(b.qualified(), 0L),
                    estimates.getOrDefault(a.qualified(), 0L))); // largest first: the run ends sooner
            ConcurrentLinkedQueue<TableShape> todo = new ConcurrentLinkedQueue<>(queue);
            AtomicInteger done = new AtomicInteger();
            AtomicLong rows = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            Runnable report = () -> progress.accept(new CopyProgress(done.get(), tables.size(), rows.get(),
                    bytes.get(), estimated, started, Instant.now()));
            LOG.infof("link %s: copying %d tables (~%d rows) from %s at snapshot %s, %d at a time", linkId,
                    tables.size(), estimated, source, snapshot, parallelism);
            report.run();
            ExecutorService workers = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, tables.size())),
                    r -> {
                        Thread t = new Thread(r, "copy-" + linkId);
                        t.setDaemon(true);
                        return t;
                    });
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < Math.min(parallelism, tables.size()); i++) {
                    running.add(workers.submit(() -> {
                        TableShape table;
                        while ((table = todo.poll()) != null) {
                            copyTable(table, exported, snapshot, rows, bytes, report);
                            done.incrementAndGet();
                            report.run();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                workers.shutdownNow();
            }
            coordinator.rollback();
            LOG.infof("link %s: copied %d tables, %d rows in %d ms", linkId, tables.size(), rows.get(),
                    java.time.Duration.between(started, Instant.now()).toMillis());
            return snapshot;
        }
    }

    private void copyTable(TableShape table, String exported, CopySnapshot snapshot, AtomicLong rows, AtomicLong bytes,
            Runnable report) throws SQLException {
        try (Connection from = source.connect("lifeboat-copy-" + linkId);
             Connection to = target.connect("lifeboat-copy-" + linkId)) {
            from.setAutoCommit(false);
            to.setAutoCommit(false);
            try (Statement s = from.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                s.execute("SET TRANSACTION SNAPSHOT '" + exported + "'");
            }
            String columns = columnsBothHave(table, to);
            try (Statement s = to.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
                s.execute("SET LOCAL transaction_read_only = off");
                empty(s, table.sqlName());
            }
            CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + columns + " FROM ONLY "
                    + table.sqlName() + ") TO STDOUT");
            CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table.sqlName() + " (" + columns
                    + ") FROM STDIN");
            long tableBytes = 0;
            long lines = 0;
            // Rows come one per message; pgjdbc's buffered stream sends them on in 64 KB messages: one lock, one
            // message header and one server-side read per 64 KB instead of per row.
            PGCopyOutputStream batched = new PGCopyOutputStream(in, WRITE_BATCH);
            try {
                byte[] chunk;
                while ((chunk = out.readFromCopy()) != null) {
                    write(batched, chunk);
                    tableBytes += chunk.length;
                    bytes.addAndGet(chunk.length);
                    lines++; // readFromCopy returns one row at a time
                    if ((lines & 0x3FFF) == 0) {
                        rows.addAndGet(0x4000);
                        report.run();
                    }
                }
                long copied = batched.endCopy();
                rows.addAndGet(copied - (lines & ~0x3FFFL));
                CopyStore.markCopied(to, linkId, table.qualified(), snapshot, copied, tableBytes);
                to.commit();
                LOG.debugf("link %s: %s copied: %d rows", linkId, table.qualified(), copied);
            } catch (SQLException | RuntimeException e) {
                if (in.isActive()) {
                    in.cancelCopy();
                }
                to.rollback();
                throw e;
            }
            from.rollback();
        }
    }

    /** The stream's write, with the target's own error (the stream wraps it in an IOException). */
    private static void write(PGCopyOutputStream to, byte[] row) throws SQLException {
        try {
            to.write(row);
        } catch (java.io.IOException e) {
            throw e.getCause() instanceof SQLException cause ? cause : new SQLException(e.getMessage(), e);
        }
    }

    /** Emptied without a TRUNCATE when other tables reference it (TRUNCATE refuses; as replica, DELETE does not). */
    private static void empty(Statement s, String table) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT 1 FROM ONLY " + table + " LIMIT 1")) {
            if (!r.next()) {
                return;
            }
        }
        s.execute("SAVEPOINT empty_table");
        try {
            s.execute("TRUNCATE ONLY " + table);
        } catch (SQLException referenced) {
            s.execute("ROLLBACK TO SAVEPOINT empty_table");
            s.execute("DELETE FROM ONLY " + table);
        }
    }

    /** The source table's columns that the target has too, quoted (a column only one side has is drift). */
    private static String columnsBothHave(TableShape table, Connection target) throws SQLException {
        List<String> present = new ArrayList<>();
        try (PreparedStatement s = target.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass"
                + " AND attnum > 0 AND NOT attisdropped AND attgenerated = ''")) {
            s.setString(1, table.sqlName());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    present.add(r.getString(1));
                }
            }
        }
        return table.columns().stream().map(TableShape.Column::name).filter(present::contains)
                .map(TableShape::quote).collect(Collectors.joining(", "));
    }

    private static Map<String, Long> estimates(Connection c, Collection<TableShape> tables) throws SQLException {
        Map<String, Long> estimates = new HashMap<>();
        // reltuples is -1 until a table is first analysed; the statistics' live-row count stands in for it then.
        try (PreparedStatement s = c.prepareStatement("SELECT greatest(c.reltuples, coalesce(s.n_live_tup, 0), 0)::bigint"
                + " FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = ?::regclass")) {
            for (TableShape t : tables) {
                s.setString(1, t.sqlName());
                try (ResultSet r = s.executeQuery()) {
                    estimates.put(t.qualified(), r.next() ? r.getLong(1) : 0);
                }
            }
        }
        return new ConcurrentHashMap<>(estimates);
    }
}
