package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.copy.CopyStore.TableCopy;
import io.lifeboat.replication.db.LifeboatSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * The applier's record-by-record part: each record of the change topic, read against the {@link TransactionCursor},
 * goes into the open target transaction, and the target commits (rows and position together) only right after an
 * END. Used by the applier's loop thread only; the loop owns the connection and the consumer.
 */
final class StreamApplier {

    /** What a record did to the stream: nothing unusual, a change the target refuses for good, a broken stream. */
    sealed interface Result {
    }

    record Applied() implements Result {
    }

    /** @param from the offset where the refused change's transaction begins */
    record Refused(String table, String key, SQLException cause, long from) implements Result {
    }

    record Broken(String reason) implements Result {
    }

    private static final Applied APPLIED = new Applied();

    private final ApplierConfig config;
    private final TransactionWriter writer;
    private final StreamReader reader;
    private Connection connection;
    private TransactionCursor cursor = TransactionCursor.start(-1);
    private StreamPosition committed;
    private StreamPosition boundary;
    private long openFrom = -1;
    private SourcePosition openApplied;
    private long uncommittedChanges;
    private long appliedChanges;
    private long lastHeartbeatCommit;

    StreamApplier(ApplierConfig config) {
        this.config = config;
        this.writer = new TransactionWriter(config.schemas());
        this.reader = new StreamReader(config.deadLetters());
    }

    void use(Connection connection) {
        this.connection = connection;
        writer.use(connection);
    }

    /** Back to the last commit (the caller rolled the target back and seeks the consumer there). */
    void restart(StreamPosition at) {
        committed = at;
        boundary = at;
        cursor = TransactionCursor.start(at == null ? -1 : at.txKey());
        openFrom = -1;
        openApplied = null;
        uncommittedChanges = 0;
        writer.reset();
    }

    void forgetShapes() {
        writer.forgetShapes();
    }

    Result apply(ConsumerRecord<String, byte[]> record, Map<String, TableCopy> copies) throws SQLException {
        StreamReader.Read read = reader.read(record, cursor);
        TransactionCursor.Step step = read.step();
        if (step.action() == TransactionCursor.Action.BROKEN) {
            return new Broken(step.reason());
        }
        if (cursor.between() && !step.next().between()) {
            openFrom = record.offset();
            openApplied = null;
        }
        ChangeRecord change = read.change();
        if (change != null) {
            TableCopy table = copies.get(change.qualifiedTable());
            boolean inCopy = table != null && table.contains(change.key(), change.position().txId());
            if (!inCopy && change.op() == ChangeRecord.Op.TRUNCATE && table != null && table.keys() != null
                    && !table.keys().isEmpty() && table.snapshot().visible(change.position().txId())) {
                // A truncate a failback's repair snapshot saw: the table is replayed from empty from here on, so
                // none of its keys is skipped any more (in the same target transaction as the truncate).
                TableCopy replayed = new TableCopy(table.table(), table.snapshot(), table.rows(), 0, Set.of());
                CopyStore.markKeysCopied(connection, config.linkId(), table.table(), table.snapshot(), Set.of(),
                        table.rows());
                copies.put(table.table(), replayed);
            }
            if (!inCopy) {
                try {
                    writer.write(change);
                } catch (SQLException e) {
                    return refusedOrThrow(record, change.qualifiedTable(), String.valueOf(change.key()), e);
                }
                uncommittedChanges++;
                appliedChanges++;
                if (change.qualifiedTable().equals(LifeboatSchema.HEARTBEAT_TABLE)) {
                    lastHeartbeatCommit = Math.max(lastHeartbeatCommit, change.position().commitMillis());
                }
            }
            openApplied = change.position();
        }
        cursor = step.next();
        if (!cursor.between()) {
            return APPLIED;
        }
        boolean ended = step.action() == TransactionCursor.Action.COMMIT_POINT;
        boundary = new StreamPosition(record.topic(), config.topicId(), record.offset() + 1, cursor.lastEnded(),
                ended && openApplied != null ? openApplied : boundary.applied(),
                ended ? read.commitLsn() : boundary.commitLsn());
        long from = openFrom;
        openFrom = -1;
        openApplied = null;
        if (ended) {
            try {
                writer.flush();
            } catch (SQLException e) {
                openFrom = from;
                return refusedOrThrow(record, null, null, e);
            }
            if (uncommittedChanges >= config.batchSize()) {
                commit();
            }
        }
        return APPLIED;
    }

    /** A refusal for good stops the link before this transaction; a passing failure is thrown (retried). */
    private Result refusedOrThrow(ConsumerRecord<String, byte[]> record, String table, String key, SQLException e)
            throws SQLException {
        boolean forGood = e instanceof TransactionWriter.Refused r ? r.unappliable() || !ApplyErrors.isTransient(r)
                : !ApplyErrors.isTransient(e);
        if (!forGood) {
            throw e;
        }
        String which = e instanceof TransactionWriter.Refused r ? r.table : table;
        String keyText = e instanceof TransactionWriter.Refused r && r.key != null ? r.key : key;
        return new Refused(which, keyText, e, openFrom >= 0 ? openFrom : record.offset());
    }

    /** Commits what is gathered, with the position of the last boundary. */
    void commit() throws SQLException {
        writer.flush();
        try (PreparedStatement s = connection.prepareStatement(PositionStore.UPSERT)) {
            PositionStore.save(s, config.linkId(), boundary);
        }
        connection.commit();
        committed = boundary;
        uncommittedChanges = 0;
    }

    /** Between transactions, with something read since the last commit. */
    boolean dueForCommit() {
        return cursor.between() && boundary != committed;
    }

    boolean between() {
        return cursor.between();
    }

    StreamPosition committed() {
        return committed;
    }

    /** Where the open transaction began, or -1 between transactions. */
    long openFrom() {
        return openFrom;
    }

    long appliedChanges() {
        return appliedChanges;
    }

    long lastHeartbeatCommit() {
        return lastHeartbeatCommit;
    }
}
