package io.lifeboat.replication.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes changes into the applier's open target transaction, in stream order, in JDBC batches: consecutive changes
 * of the same statement shape share a batch; a batch is sent when the shape changes, a key repeats, or it is full.
 * Nothing is committed here: the applier commits only right after a source transaction's END.
 *
 * <p>A multi-table {@code TRUNCATE} is one WAL message: Debezium sends one truncate per table at the same LSN. They
 * are gathered and replayed as one {@code TRUNCATE ONLY a, b}, as PostgreSQL's own apply worker does (tables that
 * reference each other can only be emptied together).
 *
 * <p>Used by the applier's thread only.
 */
final class TransactionWriter {

    private static final int MAX_BATCH = 1000;

    private final List<String> schemas;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, TableWriter> writers = new HashMap<>();
    private Connection connection;

    private String batchSql;
    private PreparedStatement batch;
    private final List<TableWriter.Planned> inBatch = new ArrayList<>();
    private final Set<BatchKey> keysInBatch = new HashSet<>();
    private final List<String> batchKeys = new ArrayList<>();
    private String batchTable;
    private final Set<String> truncating = new LinkedHashSet<>();
    private long truncateLsn = -1;

    TransactionWriter(List<String> schemas) {
        this.schemas = schemas;
    }

    /** A new connection (after a reconnect): statements and table shapes are read again. */
    void use(Connection connection) {
        this.connection = connection;
        statements.clear();
        writers.clear();
        reset();
    }

    /** Forget table shapes (the target's tables may have changed). */
    void forgetShapes() {
        writers.clear();
    }

    void write(ChangeRecord change) throws SQLException {
        String table = change.qualifiedTable();
        if (change.op() == ChangeRecord.Op.TRUNCATE) {
            if (truncateLsn != change.position().lsn()) {
                flushTruncate();
            }
            flushBatch();
            writer(table); // the table must exist
            truncating.add(table);
            truncateLsn = change.position().lsn();
            return;
        }
        flushTruncate();
        TableWriter.Planned planned = writer(table).plan(change);
        if (planned.sql() == null) {
            return;
        }
        BatchKey key = new BatchKey(table, change.key());
        // A key twice in one multi-row batch is an error ("cannot affect row a second time"): send first.
        if (!planned.sql().equals(batchSql) || !keysInBatch.add(key) || inBatch.size() >= MAX_BATCH) {
            flushBatch();
            keysInBatch.add(key);
            batchSql = planned.sql();
            batchTable = table;
            batch = statement(batchSql);
        }
        batchKeys.add(change.key() == null ? null : change.key().toString());
        planned.bind(batch);
        batch.addBatch();
        inBatch.add(planned);
    }

    /** Sends everything gathered (at a transaction's END, before a commit). */
    void flush() throws SQLException {
        flushTruncate();
        flushBatch();
    }

    /** After a rollback: what was gathered is gone with it. */
    void reset() {
        inBatch.clear();
        batchKeys.clear();
        keysInBatch.clear();
        truncating.clear();
        truncateLsn = -1;
        batchSql = null;
        batch = null;
    }

    private void flushTruncate() throws SQLException {
        if (truncating.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (String table : truncating) {
            names.add(writer(table).table().sqlName());
        }
        try (Statement s = connection.createStatement()) {
            s.execute("TRUNCATE ONLY " + String.join(", ", names));
        } catch (SQLException e) {
            throw Refused.of(String.join(", ", truncating), null, e);
        }
        truncating.clear();
        truncateLsn = -1;
    }

    private void flushBatch() throws SQLException {
        if (batch == null || inBatch.isEmpty()) {
            keysInBatch.clear();
            return;
        }
        int[] counts;
        try {
            counts = batch.executeBatch();
        } catch (SQLException e) {
            int index = failedEntry(e);
            throw Refused.of(batchTable, index < batchKeys.size() ? batchKeys.get(index) : null, e);
        }
        for (int i = 0; i < counts.length; i++) {
            if (inBatch.get(i).mustTouchRow() && counts[i] == 0) {
                throw Refused.of(batchTable, batchKeys.get(i), new TableWriter.UnappliableChange("02000", "the row"
                        + " is missing in the target and the change does not carry all its columns (unchanged TOAST"
                        + " values; see REPLICA IDENTITY FULL)"));
            }
        }
        batchKeys.clear();
        inBatch.clear();
        keysInBatch.clear();
    }

    /** The first entry of a batch the server refused (its count says EXECUTE_FAILED), or 0. */
    private static int failedEntry(SQLException e) {
        if (e instanceof java.sql.BatchUpdateException b) {
            int[] counts = b.getUpdateCounts();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == Statement.EXECUTE_FAILED) {
                    return i;
                }
            }
            return Math.min(counts.length, 0);
        }
        return 0;
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    private TableWriter writer(String table) throws SQLException {
        TableWriter writer = writers.get(table);
        if (writer == null) {
            List<String> all = new ArrayList<>(schemas);
            all.add(LifeboatSchema.SCHEMA);
            Map<String, TableShape> shapes = TableCatalog.read(connection, all);
            shapes.forEach((name, shape) -> writers.putIfAbsent(name, new TableWriter(shape)));
            writer = writers.get(table);
            if (writer == null) {
                throw new TableWriter.UnappliableChange("42P01", "table " + table + " does not exist in the target");
            }
        }
        return writer;
    }

    /**
     * What the target refused, with the table (and key) the refused statement was for: a batch is sent later than
     * its changes were read, so the record being read then may be another table's. Keeps the cause's SQLSTATE.
     */
    static final class Refused extends SQLException {
        final String table;
        final String key;

        private Refused(String table, String key, SQLException cause, String message) {
            super(message, cause.getSQLState(), cause);
            this.table = table;
            this.key = key;
        }

        static Refused of(String table, String key, SQLException e) {
            SQLException root = e.getNextException() != null ? e.getNextException() : e;
            String message = root.getMessage() == null ? e.toString() : root.getMessage();
            // The server's words and its detail ("Failing row contains ..."), not the statement.
            String words = message.lines().map(String::trim).filter(l -> !l.startsWith("Where:")
                    && !l.startsWith("Position:")).limit(2).collect(java.util.stream.Collectors.joining("; "));
            return new Refused(table, key, e instanceof TableWriter.UnappliableChange ? e : root, words);
        }

        boolean unappliable() {
            return getCause() instanceof TableWriter.UnappliableChange;
        }
    }

    /** A row's identity within one JDBC batch (JsonNode compares by content). */
    private record BatchKey(String table, JsonNode key) {
    }
}
