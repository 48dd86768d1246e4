package io.lifeboat.replication.source;

import io.lifeboat.replication.db.SourcePosition;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * One link's capture: the Debezium embedded engine reading the source's slot with transaction metadata on, each
 * record turned into a {@link Change} (BEGIN, DATA, END, in the slot's order, which is the source's commit order)
 * and handed to a {@link ChangeSink}.
 *
 * <p>Debezium's offsets advance only after the sink made the batch durable: a crash re-sends (at least once) but
 * never skips. Re-sent records carry the same transaction key and LSNs, so the applier recognises them.
 *
 * <p>Lifecycle, as Debezium's own embedded API: {@link #builder()} → {@link #run()} (blocks; run it on a thread of
 * your own) → {@link #close()}. {@link #handleBatch} runs on the engine's one thread: the transaction state below is
 * that thread's.
 */
public final class ChangeSource implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeSource.class);
    private static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";
    private static final String TRANSACTION_TOPIC_SUFFIX = ".transaction";
    /** How long a stop waits for the engine: a healthy one stops in well under a second. */
    public static final java.time.Duration STOP_BOUND = java.time.Duration.ofSeconds(5);

    private final String linkId;
    private final Properties debezium;
    private final SourceListener listener;
    private final ChangeSink sink;
    private final Predicate<Change> keep;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    /** Held while a batch is written to the sink: a stop seals the sink between two batches, never in one. */
    private final Object writing = new Object();
    private boolean sealed; // guarded by writing

    // The engine thread's: the open transaction's key and the last change's LSN and ordinal in it.
    private long txKey = -1;
    private long lastLsn = -1;
    private int ordinal;
    /** Between a BEGIN (or a change resumed without it) and its END. */
    private boolean inTransaction;

    private ChangeSource(Builder b) {
        this.linkId = b.linkId;
        this.debezium = b.debezium;
        this.listener = b.listener;
        this.sink = b.sink;
        this.keep = b.keep;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs the engine until {@link #close()} or a failure; the listener hears which. */
    @Override
    public void run() {
        LOG.infof("link %s: starting capture with %s", linkId, masked(debezium));
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(debezium)
                .notifying(this::handleBatch)
                .using((success, message, error) -> listener.stopped(message, success ? null
                        : Objects.requireNonNullElseGet(error, () -> new IllegalStateException(message))))
                .build();
        engine.run();
    }

    void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Change> out = new ArrayList<>(batch.size());
        long passedLsn = -1;
        long newestCommit = -1;
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            Map<String, ?> offset = record.sourceOffset();
            long lsn = offset != null && offset.get("lsn") instanceof Number n ? n.longValue() : -1;
            if (record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX)) {
                if (!inTransaction) {
                    passedLsn = Math.max(passedLsn, lsn);
                }
                continue; // carries only an offset: nothing for the applier
            }
            Change change = toChange(record, offset);
            if (change == null) {
                continue;
            }
            // Passed only between transactions: a position inside one (a heartbeat amid its messages reports where
            // the server read to, past its END) would let a drain stop the capture before that END is produced.
            inTransaction = change.kind() != Change.Kind.END;
            if (!inTransaction) {
                passedLsn = Math.max(passedLsn, lsn);
            }
            if (change.position() != null) {
                newestCommit = Math.max(newestCommit, change.position().commitMillis());
            }
            if (keep.test(change)) {
                out.add(change);
            }
        }
        if (!out.isEmpty()) {
            synchronized (writing) {
                if (sealed) {
                    // Read after the stop (by an engine that outlived it): the next capture reads it again.
                    throw new IllegalStateException("link " + linkId + ": capture stopped; " + out.size()
                            + " changes read after the stop are not stored");
                }
                try {
                    sink.write(out);
                } catch (InterruptedException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    // Offsets stay where they were: the engine stops, the link restarts it, and the batch is sent
                    // again.
                    throw new IllegalStateException("link " + linkId + ": changes not stored: " + e.getMessage(), e);
                }
            }
        }
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
        listener.produced(out.size(), passedLsn, newestCommit, false);
    }

    /** Debezium's transaction id for PostgreSQL, {@code <xid>} or {@code <xid>:<lsn>}; 0 when it is neither. */
    static long xidOf(String transactionId) {
        if (transactionId == null) {
            return 0;
        }
        int colon = transactionId.indexOf(':');
        try {
            return Long.parseLong(colon < 0 ? transactionId : transactionId.substring(0, colon));
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }

    /** @return null for what the stream does not carry (tombstones: the change topic is not compacted) */
    private Change toChange(SourceRecord record, Map<String, ?> offset) {
        if (record.value() == null) {
            return null;
        }
        byte[] key = record.key() == null ? null : ConnectJson.write(record.keySchema(), record.key());
        byte[] value = ConnectJson.write(record.valueSchema(), record.value());
        if (record.topic().endsWith(TRANSACTION_TOPIC_SUFFIX) && record.value() instanceof Struct tx
                && tx.schema().field("status") != null) {
            long commitLsn = offset != null && offset.get("lsn_commit") instanceof Number n ? n.longValue() : 0;
            if ("BEGIN".equals(tx.getString("status"))) {
                // At BEGIN, lsn_commit is still the previous transaction's commit: this one's key.
                txKey = commitLsn;
                lastLsn = -1;
                return new Change(Change.Kind.BEGIN, txKey, 0, 0, 0, null, key, value, null, 0);
            }
            // The END carries the source transaction id: after a restart that resumed past a transaction's last
            // change, its END comes alone, under a key the capture does not know, and the id says whose END it is.
            return new Change(Change.Kind.END, txKey, 0, 0, commitLsn, null, key, value, null, xidOf(tx.getString("id")));
        }
        SourcePosition position = positionOf(record);
        if (position == null) {
            return null;
        }
        if (position.commitLsn() != txKey) {
            txKey = position.commitLsn(); // a transaction resumed after a restart, without its BEGIN again
            lastLsn = -1;
        }
        ordinal = position.lsn() == lastLsn ? ordinal + 1 : 0;
        lastLsn = position.lsn();
        Struct source = ((Struct) record.value()).getStruct("source");
        return new Change(Change.Kind.DATA, txKey, position.lsn(), ordinal, 0,
                source.getString("schema") + "." + source.getString("table"), key, value, position, position.txId());
    }

    /** The change's place in the source stream, from Debezium's source block (null for heartbeats). */
    public static SourcePosition positionOf(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("source") == null
                || envelope.getStruct("source") == null) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
        long commitLsn = 0;
        Object sequence = source.get("sequence");
        if (sequence instanceof String text && text.startsWith("[")) {
            String[] parts = text.replaceAll("[\\[\\]\"]", "").split(",");
            if (parts.length == 2) {
                commitLsn = parts[0].isBlank() || parts[0].equals("null") ? 0 : Long.parseLong(parts[0].trim());
                lsn = parts[1].isBlank() || parts[1].equals("null") ? lsn : Long.parseLong(parts[1].trim());
            }
        }
        Object txId = source.get("txId");
        return new SourcePosition(commitLsn, lsn, txId instanceof Number n ? n.longValue() : 0,
                source.getInt64("ts_ms"));
    }

    /** Stops the engine and the sink; see {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops the engine (it commits the offsets of what the sink has made durable), waiting for it at most {@link
     * #STOP_BOUND}, then seals and closes the sink: once this returns, nothing more reaches the sink, so what it holds
     * is final (a drain's end, a stranded read's count). An engine reading a source that does not answer (a cut
     * network: its JDBC query waits on a dead socket, and Debezium's task stop waits behind it for 40 s) is left to
     * end in the background; whatever it reads after the stop is refused and read again by the next capture.
     *
     * @return whether the engine stopped within the bound
     */
    public boolean stop() {
        DebeziumEngine<?> running = engine;
        boolean stopped = true;
        if (running != null) {
            Thread closing = new Thread(() -> {
                try {
                    running.close();
                } catch (Exception e) {
                    LOG.warnf("link %s: closing the capture engine: %s", linkId, e.getMessage());
                }
            }, "lifeboat-capture-stop-" + linkId);
            closing.setDaemon(true);
            closing.start();
            try {
                closing.join(STOP_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped = !closing.isAlive();
        }
        synchronized (writing) {
            sealed = true;
        }
        if (!stopped) {
            LOG.warnf("link %s: the capture engine did not stop within %d s (its source does not answer?): sealed,"
                    + " nothing it reads from now on is stored; it ends in the background", linkId,
                    STOP_BOUND.toSeconds());
        }
        sink.close();
        return stopped;
    }

    public static final class Builder {
        private String linkId;
        private Properties debezium;
        private SourceListener listener;
        private ChangeSink sink;
        private Predicate<Change> keep = c -> true;

        public Builder linkId(String linkId) {
            this.linkId = linkId;
            return this;
        }

        public Builder debezium(Properties debezium) {
            this.debezium = debezium;
            return this;
        }

        public Builder listener(SourceListener listener) {
            this.listener = listener;
            return this;
        }

        /** Where the changes go; closed with the source. */
        public Builder sink(ChangeSink sink) {
            this.sink = sink;
            return this;
        }

        /** Which changes reach the sink at all (default: all); the others are only acknowledged. */
        public Builder keep(Predicate<Change> keep) {
            this.keep = keep;
            return this;
        }

        public ChangeSource build() {
            Objects.requireNonNull(linkId, "linkId");
            Objects.requireNonNull(debezium, "debezium");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(sink, "sink");
            return new ChangeSource(this);
        }
    }

    /** Debezium's settings for a log line: every secret (passwords, JAAS lines) masked as Kafka's are. */
    private static String masked(java.util.Properties properties) {
        java.util.TreeMap<String, Object> all = new java.util.TreeMap<>();
        properties.forEach((k, v) -> all.put(k.toString(), v));
        return io.lifeboat.events.kafka.KafkaSettings.masked(all);
    }
}
