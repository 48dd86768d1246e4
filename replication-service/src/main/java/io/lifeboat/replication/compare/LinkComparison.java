package io.lifeboat.replication.compare;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Compares the two databases of a link at one source position both have passed (README, "Both sites proven equal"):
 *
 * <ol>
 *   <li>a REPEATABLE READ snapshot of the source, and the source's WAL insert position read in its first statement
 *       (every transaction visible in the snapshot committed before that position);</li>
 *   <li>a REPEATABLE READ snapshot of the target whose applied position is at or past it ({@link StandbyPosition}):
 *       it holds every transaction of the source snapshot, and possibly a few that committed just after;</li>
 *   <li>per table, {@link RangeSearch} over both snapshots: the candidates;</li>
 *   <li>{@link Recheck}: the candidates that were only the few transactions in between are dropped.</li>
 * </ol>
 */
public final class LinkComparison {

    private static final Logger LOG = Logger.getLogger(LinkComparison.class);

    /** @param keysReported keys named per table; candidateKeys at most this many per table are rechecked */
    public record Settings(Duration standbyWait, int keysReported, int candidateKeys, long leafRows, int parts) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(60), 20, 10_000, 1_000, 16);
        }
    }

    private final String linkId;
    private final PgEndpoint source;
    private final PgEndpoint target;
    private final List<String> schemas;
    private final Predicate<String> replicated;
    private final Settings settings;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile String stoppedBecause;

    public LinkComparison(String linkId, PgEndpoint source, PgEndpoint target, List<String> schemas,
            Predicate<String> replicated, Settings settings) {
        this.linkId = linkId;
        this.source = source;
        this.target = target;
        this.schemas = schemas;
        this.replicated = replicated;
        this.settings = settings;
    }

    /** The site this comparison reads as the source. */
    public String sourceSite() {
        return source.site();
    }

    /**
     * Stops the comparison from another thread: the query under way at each side is cancelled and the result is
     * NOT_COMPARED with {@code why}. For a comparison the link's PROMOTE or REVERSE made moot: reading both
     * databases to the end would only compete with the switchover for the same CPUs and disks.
     */
    public void stop(String why) {
        stoppedBecause = why;
        for (Connection c : connections) {
            try {
                c.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                // Closed already, or the server is gone: the comparison ends at its next step either way.
            }
        }
    }

    public ComparisonResult run() {
        Instant started = Instant.now();
        ComparisonResult base = ComparisonResult.running(linkId, source.site(), target.site(), started);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "compare-" + linkId);
            t.setDaemon(true);
            return t;
        });
        try (Connection s = Recheck.open(source, linkId); Connection t = Recheck.open(target, linkId)) {
            connections.add(s);
            connections.add(t);
            s.setAutoCommit(false);
            try (Statement st = s.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            long position;
            try (Statement st = s.createStatement(); ResultSet r = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                r.next(); // the snapshot is taken at this first statement, before the position is read
                position = SourcePosition.parseLsn(r.getString(1));
            }
            long applied = StandbyPosition.snapshotPast(t, linkId, position, settings.standbyWait());
            long waited = System.nanoTime();
            Map<String, TableShape> sourceTables = new LinkedHashMap<>();
            TableCatalog.read(s, schemas).forEach((name, shape) -> {
                if (replicated.test(name)) {
                    sourceTables.put(name, shape);
                }
            });
            Map<String, TableShape> targetTables = TableCatalog.read(t, schemas);
            List<String> notCompared = new ArrayList<>();
            Map<String, TableSql> sqls = new LinkedHashMap<>();
            Map<String, RangeSearch.Found<List<String>>> candidates = new LinkedHashMap<>();
            long sourceRows = 0;
            long targetRows = 0;
            for (TableShape shape : sourceTables.values()) {
                stopIfAsked();
                TableShape there = targetTables.get(shape.qualified());
                if (there == null || shape.primaryKey().isEmpty()) {
                    notCompared.add(shape.qualified());
                    continue;
                }
                List<String> columns = shape.columns().stream().map(TableShape.Column::name)
                        .filter(c -> there.column(c).isPresent()).toList();
                TableSql sql = new TableSql(shape, columns);
                RangeSearch.Found<List<String>> found = RangeSearch.run(new SqlSides(sql, s, t, pool),
                        new RangeSearch.Settings(settings.leafRows(), settings.parts(), settings.candidateKeys()));
                sourceRows += found.sourceRows();
                targetRows += found.targetRows();
                sqls.put(shape.qualified(), sql);
                if (found.count() > 0) {
                    candidates.put(shape.qualified(), found);
                }
            }
            s.rollback(); // the snapshots end here: a long one holds back vacuum at both sites
            t.rollback();
            long scanned = System.nanoTime();
            long firstPass = candidates.values().stream().mapToLong(RangeSearch.Found::count).sum();
            List<ComparisonResult.TableDifference> differences = new ArrayList<>();
            for (Map.Entry<String, RangeSearch.Found<List<String>>> e : candidates.entrySet()) {
                stopIfAsked();
                RangeSearch.Found<List<String>> found = e.getValue();
                List<List<String>> keys = Recheck.differing(sqls.get(e.getKey()), found.keys(), source, target, linkId,
                        settings.standbyWait());
                // Candidates beyond those kept were not rechecked: counted as the first pass found them.
                long rows = keys.size() + Math.max(0, found.count() - found.keys().size());
                if (rows > 0) {
                    List<String> pk = sourceTables.get(e.getKey()).primaryKey();
                    differences.add(new ComparisonResult.TableDifference(e.getKey(), rows, keys.stream()
                            .limit(settings.keysReported()).map(k -> named(pk, k)).toList()));
                }
                LOG.debugf("link %s: %s: %d candidates, %d differ", linkId, e.getKey(), found.count(), rows);
            }
            LOG.infof("link %s: compared at %s: standby past it after %d ms, hashes %d ms, %d rows differed in the"
                    + " first pass, rechecked in %d ms", linkId, SourcePosition.lsnText(position),
                    java.time.Duration.between(started, Instant.now()).toMillis()
                            - (System.nanoTime() - waited) / 1_000_000, (scanned - waited) / 1_000_000, firstPass,
                    (System.nanoTime() - scanned) / 1_000_000);
            ComparisonResult result = new ComparisonResult(linkId, differences.isEmpty()
                    ? ComparisonResult.Outcome.EQUAL : ComparisonResult.Outcome.DIFFERENT, null, source.site(),
                    target.site(), SourcePosition.lsnText(position), started, null, sqls.size(), sourceRows, targetRows,
                    firstPass, differences, notCompared);
            String why = differences.isEmpty()
                    ? sqls.size() + " tables equal at source position " + SourcePosition.lsnText(position)
                            + " (standby at " + SourcePosition.lsnText(applied) + ")"
                    : differences.size() + " of " + sqls.size() + " tables differ: " + differences.stream()
                            .map(d -> d.table() + " (" + d.rows() + " rows)").toList();
            return result.ended(result.outcome(), why + (notCompared.isEmpty() ? "" : "; not compared, only at "
                    + source.site() + " or without a key: " + notCompared));
        } catch (Exception e) {
            if (stoppedBecause != null) { // a cancelled query, or the check between tables
                return base.ended(ComparisonResult.Outcome.NOT_COMPARED, stoppedBecause);
            }
            return failed(base, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private ComparisonResult failed(ComparisonResult base, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "57P01".equals(sql.getSQLState())) { // admin_shutdown
                return base.ended(ComparisonResult.Outcome.NOT_COMPARED, "stopped: one of its sessions was ended"
                        + " (a PROMOTE of the link ends them first, or an operator did)");
            }
        }
        if (e instanceof TimeoutException) {
            return base.ended(ComparisonResult.Outcome.NOT_COMPARED, e.getMessage());
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return base.ended(ComparisonResult.Outcome.FAILED, "interrupted");
        }
        LOG.warnf("link %s: comparison failed: %s", linkId, e.toString());
        return base.ended(ComparisonResult.Outcome.FAILED, String.valueOf(e.getMessage()));
    }

    private void stopIfAsked() throws Stopped {
        if (stoppedBecause != null) {
            throw new Stopped();
        }
    }

    private static final class Stopped extends Exception {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static Map<String, String> named(List<String> columns, List<String> values) {
        Map<String, String> key = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            key.put(columns.get(i), values.get(i));
        }
        return key;
    }
}
