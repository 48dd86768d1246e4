package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * Applies a link's change topics to the target database, exactly once in effect.
 *
 * <p>Each poll is one target transaction: the rows, and per topic-partition the next Kafka offset and the newest
 * source position, commit together. After any failure it rolls back, reconnects, reads those positions back and
 * seeks there; streamed changes at or below a partition's stored source position are skipped, so Debezium's
 * re-sends after a source crash change nothing. Writes run with {@code session_replication_role = replica}, as
 * PostgreSQL's own apply worker does: foreign keys and user triggers (and the standby guard) do not fire, since
 * tables are consumed at different speeds and the source already enforced them.
 *
 * <p>A change the target refuses for good (constraint, type, missing column) stops its own table only: the
 * partition is paused at that record, the listener raises the alert, {@link #resumeTable} retries it.
 *
 * <p>The Kafka consumer is single-threaded: every request from another thread is queued and run by the loop.
 */
public final class ChangeApplier implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeApplier.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration TOPIC_REFRESH = Duration.ofSeconds(2);
    private static final Duration MEASURE = Duration.ofMillis(500);

    private final String linkId;
    private final PgEndpoint target;
    private final String topicPrefix;
    private final List<String> schemas;
    private final BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters;
    private final ApplierListener listener;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ConcurrentLinkedQueue<Runnable> requests = new ConcurrentLinkedQueue<>();

    // Loop-thread state.
    private Connection connection;
    private Statement plain;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, TableWriter> writers = new HashMap<>();
    private final Map<TopicPartition, AppliedPosition> positions = new HashMap<>();
    private final Map<TopicPartition, Unappliable> stopped = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> lastCommitByPartition = new HashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private Instant topicsRefreshedAt = Instant.EPOCH;
    private Instant measuredAt = Instant.EPOCH;
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private Map<TopicPartition, Long> drainEnds;
    private CompletableFuture<ApplierStatus> drained;
    private boolean paused;
    private boolean failing;
    private long appliedChanges;
    private long lastHeartbeatCommit;
    private String lastError;
    private volatile ApplierStatus status = new ApplierStatus(0, null, 0, 0, 0, false, false, List.of(), null);
    private volatile boolean closed;

    private ChangeApplier(Builder b) {
        this.linkId = b.linkId;
        this.target = b.target;
        this.topicPrefix = b.topicPrefix;
        this.schemas = b.schemas;
        this.deadLetters = b.deadLetters;
        this.listener = b.listener;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, b.batchSize,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                // A burst arrives in few, large fetches; bounded so the heap stays small (what is fetched lives
                // until it is applied: with a small young generation, larger fetches were promoted, then full GCs).
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 2 * 1024 * 1024,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "lifeboat-applier-" + b.linkId),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    public static Builder builder() {
        return new Builder();
    }

    public ApplierStatus status() {
        return status;
    }

    public void pause() {
        requests.add(() -> paused = true);
    }

    public void resume() {
        requests.add(() -> paused = false);
    }

    /** Retries the stopped record of a table (after the operator fixed the cause); false if it was not stopped. */
    public CompletableFuture<Boolean> resumeTable(String table) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        requests.add(() -> {
            List<TopicPartition> partitions = stopped.entrySet().stream()
                    .filter(e -> e.getValue().table().equals(table)).map(Map.Entry::getKey).toList();
            partitions.forEach(tp -> {
                Unappliable u = stopped.remove(tp);
                consumer.seek(tp, u.offset());
                consumer.resume(List.of(tp));
            });
            writers.clear(); // the fix may have been a change to the target table
            if (!partitions.isEmpty()) {
                LOG.infof("link %s: table %s resumed at its stopped record", linkId, table);
                listener.tableResumed(table);
            }
            done.complete(!partitions.isEmpty());
        });
        return done;
    }

    /**
     * Applies everything in the link's topics at this moment, then pauses; completes with the final status. Fails
     * when a table is stopped (its changes cannot all be applied).
     */
    public CompletableFuture<ApplierStatus> drain() {
        CompletableFuture<ApplierStatus> done = new CompletableFuture<>();
        requests.add(() -> {
            refreshTopics(true);
            drainEnds = new HashMap<>(consumer.endOffsets(assigned));
            drained = done;
            paused = false;
        });
        return done;
    }

    @Override
    public void run() {
        Duration backoff = Duration.ofMillis(200);
        while (!closed) {
            try {
                runRequests();
                ensureConnected();
                refreshTopics(false);
                ConsumerRecords<String, byte[]> records = paused ? ConsumerRecords.empty() : consumer.poll(POLL);
                if (paused) {
                    Thread.sleep(POLL.toMillis());
                }
                if (!records.isEmpty()) {
                    applyPoll(records);
                }
                measure();
                checkDrain();
                if (failing) {
                    failing = false;
                    lastError = null;
                    LOG.infof("link %s: applying again to %s", linkId, target);
                    listener.recovered();
                }
                backoff = Duration.ofMillis(200);
            } catch (WakeupException | InterruptedException e) {
                if (!closed) {
                    LOG.warnf("link %s: applier interrupted", linkId);
                }
                break;
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                lastError = describe(e);
                if (!failing) {
                    LOG.warnf("link %s: cannot apply to %s (%s); retrying from the stored positions", linkId, target,
                            lastError);
                    listener.failing(lastError);
                }
                failing = true;
                disconnect();
                publishStatus();
                try {
                    Thread.sleep(backoff.toMillis()); // back off before reconnecting, not synchronisation
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            }
        }
        disconnect();
        consumer.close(Duration.ofSeconds(5));
    }

    private void runRequests() {
        Runnable request;
        while ((request = requests.poll()) != null) {
            request.run();
        }
    }

    private void ensureConnected() throws SQLException {
        if (connection != null) {
            return;
        }
        Connection c = target.connect("lifeboat-applier-" + linkId);
        try {
            LifeboatSchema.ensure(c);
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
                // FENCE sets read-only as the database default; the applier is the one writer a standby keeps.
                s.execute("SET default_transaction_read_only = off");
            }
            c.setAutoCommit(false);
            Map<String, AppliedPosition> stored = PositionStore.load(c, linkId);
            c.commit();
            connection = c;
            positions.clear();
            stored.values().forEach(p -> positions.put(new TopicPartition(p.topic(), p.partition()), p));
            writers.clear();
            // Whatever was fetched or half-applied before is read again from where the target says it stopped.
            for (TopicPartition tp : assigned) {
                seekToApplied(tp);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private void seekToApplied(TopicPartition tp) {
        Unappliable stop = stopped.get(tp);
        AppliedPosition p = positions.get(tp);
        if (stop != null) {
            consumer.seek(tp, stop.offset());
        } else if (p != null) {
            consumer.seek(tp, p.nextOffset());
        } else {
            consumer.seekToBeginning(List.of(tp));
        }
    }

    private void refreshTopics(boolean now) {
        if (!now && Duration.between(topicsRefreshedAt, Instant.now()).compareTo(TOPIC_REFRESH) < 0) {
            return;
        }
        topicsRefreshedAt = Instant.now();
        Set<TopicPartition> found = new HashSet<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : consumer.listTopics(Duration.ofSeconds(10)).entrySet()) {
            if (topic.getKey().startsWith(topicPrefix)) {
                topic.getValue().forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        if (!assigned.containsAll(found)) {
            Set<TopicPartition> fresh = new HashSet<>(found);
            fresh.removeAll(assigned);
            assigned.addAll(found);
            consumer.assign(assigned);
            fresh.forEach(this::seekToApplied);
            LOG.infof("link %s: applying %s", linkId, fresh);
        }
    }

    /** One parsed record of a partition. */
    private record Item(ConsumerRecord<String, byte[]> record, ChangeRecord change) {
    }

    private void applyPoll(ConsumerRecords<String, byte[]> records) throws SQLException {
        Map<TopicPartition, AppliedPosition> updated = new LinkedHashMap<>();
        Map<TopicPartition, Unappliable> newlyStopped = new LinkedHashMap<>();
        Map<TopicPartition, Long> commits = new HashMap<>();
        long applied = 0;
        for (TopicPartition tp : records.partitions()) {
            if (stopped.containsKey(tp)) {
                continue;
            }
            List<Item> items = parse(records.records(tp));
            AppliedPosition before = positions.get(tp);
            long firstOffset = records.records(tp).get(0).offset();
            if (before != null && firstOffset < before.nextOffset()) {
                items.removeIf(i -> i.record().offset() < before.nextOffset()); // already applied
            }
            long lastOffset = records.records(tp).get(records.records(tp).size() - 1).offset();
            if (items.isEmpty()) {
                updated.put(tp, new AppliedPosition(tp.topic(), tp.partition(),
                        Math.max(lastOffset + 1, before == null ? 0 : before.nextOffset()),
                        before == null ? null : before.source()));
                continue;
            }
            savepoint("SAVEPOINT partition");
            try {
                Outcome outcome = applyItems(tp, items, before, lastOffset + 1);
                savepoint("RELEASE SAVEPOINT partition");
                updated.put(tp, outcome.position);
                applied += outcome.applied;
                if (outcome.newestCommit > 0) {
                    commits.put(tp, outcome.newestCommit);
                }
            } catch (SQLException e) {
                if (isTransient(e)) {
                    throw e;
                }
                savepoint("ROLLBACK TO SAVEPOINT partition");
                // Find the one record the target refuses; apply the ones before it.
                AppliedPosition reached = before;
                for (Item item : items) {
                    savepoint("SAVEPOINT one");
                    try {
                        Outcome one = applyItems(tp, List.of(item), reached, item.record().offset() + 1);
                        savepoint("RELEASE SAVEPOINT one");
                        reached = one.position;
                        applied += one.applied;
                        if (one.newestCommit > 0) {
                            commits.put(tp, one.newestCommit);
                        }
                    } catch (SQLException refused) {
                        if (isTransient(refused)) {
                            throw refused;
                        }
                        savepoint("ROLLBACK TO SAVEPOINT one");
                        ConsumerRecord<String, byte[]> r = item.record();
                        newlyStopped.put(tp, new Unappliable(item.change().qualifiedTable(), r.topic(), r.partition(),
                                r.offset(), r.key(), describe(refused), Instant.now()));
                        break;
                    }
                }
                if (reached != null) {
                    updated.put(tp, reached);
                }
            }
        }
        PositionStore.save(statement(PositionStore.UPSERT), linkId, updated.values());
        connection.commit();
        positions.putAll(updated);
        lastCommitByPartition.putAll(commits);
        appliedChanges += applied;
        newlyStopped.forEach((tp, u) -> {
            stopped.put(tp, u);
            consumer.pause(List.of(tp));
            consumer.seek(tp, u.offset());
            LOG.errorf("link %s: table %s stopped: %s-%d@%d key %s: %s; other tables go on", linkId, u.table(),
                    u.topic(), u.partition(), u.offset(), u.key(), u.cause());
            listener.tableStopped(u);
        });
    }

    private List<Item> parse(List<ConsumerRecord<String, byte[]>> records) {
        List<Item> items = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                ChangeRecord change = ChangeRecord.parse(record.key() == null ? null
                        : record.key().getBytes(StandardCharsets.UTF_8), record.value());
                items.add(new Item(record, change));
            } catch (ChangeRecord.MalformedChange malformed) {
                // Never dropped silently: it waits in the DLQ with the reason; the table goes on.
                deadLetters.accept(record, "not an appliable Debezium change event: " + malformed.getMessage());
                items.add(new Item(record, null));
            }
        }
        return items;
    }

    private record Outcome(AppliedPosition position, long applied, long newestCommit) {
    }

    /** Applies items of one partition in order, in JDBC batches; throws on the first refusal. */
    private Outcome applyItems(TopicPartition tp, List<Item> items, AppliedPosition before, long nextOffset)
            throws SQLException {
        SourcePosition newest = before == null ? null : before.source();
        String batchSql = null;
        PreparedStatement batch = null;
        List<TableWriter.Planned> inBatch = new ArrayList<>();
        // A key twice in one multi-row upsert is an error ("cannot affect row a second time"): flush first.
        Set<BatchKey> keysInBatch = new HashSet<>();
        long applied = 0;
        long newestCommit = 0;
        for (Item item : items) {
            ChangeRecord change = item.change();
            if (change == null) {
                continue; // tombstone or dead-lettered
            }
            if (!change.snapshot() && change.position().atOrBelow(newest)) {
                continue; // a re-send of what this partition already has
            }
            String table = change.qualifiedTable(); // built once: it was a string per use, three per change
            TableWriter.Planned planned = writer(table).plan(change);
            if (planned.sql() != null) {
                if (change.op() == ChangeRecord.Op.TRUNCATE) {
                    flush(batch, inBatch);
                    keysInBatch.clear();
                    batch = null;
                    batchSql = null;
                    try (Statement s = connection.createStatement()) {
                        s.execute(planned.sql());
                    }
                } else {
                    BatchKey key = new BatchKey(table, change.key());
                    if (!planned.sql().equals(batchSql) || !keysInBatch.add(key)) {
                        flush(batch, inBatch);
                        keysInBatch.clear();
                        keysInBatch.add(key);
                        batchSql = planned.sql();
                        batch = statement(batchSql);
                    }
                    planned.bind(batch);
                    batch.addBatch();
                    inBatch.add(planned);
                }
            }
            applied++;
            if (!change.snapshot()) {
                newest = change.position();
            }
            newestCommit = Math.max(newestCommit, change.position().commitMillis());
            if (table.equals(LifeboatSchema.HEARTBEAT_TABLE)) {
                lastHeartbeatCommit = Math.max(lastHeartbeatCommit, change.position().commitMillis());
            }
        }
        flush(batch, inBatch);
        return new Outcome(new AppliedPosition(tp.topic(), tp.partition(), nextOffset, newest), applied, newestCommit);
    }

    /** A row's identity within one JDBC batch (JsonNode compares by content). */
    private record BatchKey(String table, com.fasterxml.jackson.databind.JsonNode key) {
    }

    private void flush(PreparedStatement batch, List<TableWriter.Planned> planned) throws SQLException {
        if (batch == null || planned.isEmpty()) {
            return;
        }
        int[] counts = batch.executeBatch();
        for (int i = 0; i < counts.length; i++) {
            if (planned.get(i).mustTouchRow() && counts[i] == 0) {
                throw new TableWriter.UnappliableChange("02000", "the row is missing in the target and the change"
                        + " does not carry all its columns (unchanged TOAST values; see REPLICA IDENTITY FULL)");
            }
        }
        planned.clear();
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

    private void savepoint(String sql) throws SQLException {
        if (plain == null) {
            plain = connection.createStatement();
        }
        plain.execute(sql);
    }

    private void measure() {
        if (Duration.between(measuredAt, Instant.now()).compareTo(MEASURE) < 0 || assigned.isEmpty()) {
            publishStatus();
            return;
        }
        measuredAt = Instant.now();
        endOffsets = consumer.endOffsets(assigned, Duration.ofSeconds(5));
        publishStatus();
    }

    private long pendingOf(TopicPartition tp) {
        long end = endOffsets.getOrDefault(tp, 0L);
        AppliedPosition p = positions.get(tp);
        return Math.max(0, end - (p == null ? 0 : p.nextOffset()));
    }

    private void publishStatus() {
        long pending = 0;
        long oldestPendingCommit = 0;
        for (TopicPartition tp : assigned) {
            long partitionPending = pendingOf(tp);
            pending += partitionPending;
            if (partitionPending > 0) {
                long commit = lastCommitByPartition.getOrDefault(tp, 1L);
                oldestPendingCommit = oldestPendingCommit == 0 ? commit : Math.min(oldestPendingCommit, commit);
            }
        }
        SourcePosition applied = positions.values().stream().map(AppliedPosition::source).filter(Objects::nonNull)
                .max(SourcePosition::compareTo).orElse(null);
        status = new ApplierStatus(pending, applied, oldestPendingCommit, lastHeartbeatCommit, appliedChanges,
                connection != null, paused, List.copyOf(stopped.values()), lastError);
    }

    private void checkDrain() {
        if (drained == null) {
            return;
        }
        if (!stopped.isEmpty()) {
            Unappliable first = stopped.values().iterator().next();
            drained.completeExceptionally(new IllegalStateException("table " + first.table() + " is stopped at "
                    + first.topic() + "-" + first.partition() + "@" + first.offset() + ": " + first.cause()));
            drained = null;
            return;
        }
        boolean done = drainEnds.entrySet().stream().allMatch(e -> {
            AppliedPosition p = positions.get(e.getKey());
            return e.getValue() == 0 || (p != null && p.nextOffset() >= e.getValue());
        });
        if (done) {
            paused = true;
            endOffsets = drainEnds;
            publishStatus();
            drained.complete(status);
            drained = null;
        }
    }

    /** Runs on the applier's own connection, between batches: for PROMOTE and REVERSE. */
    public <T> CompletableFuture<T> withConnection(SqlWork<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        requests.add(() -> {
            try {
                ensureConnected();
                T result = work.run(connection);
                connection.commit();
                done.complete(result);
            } catch (Exception e) {
                try {
                    if (connection != null) {
                        connection.rollback();
                    }
                } catch (SQLException ignored) {
                    // the connection is gone; the next loop reconnects
                }
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    static boolean isTransient(SQLException e) {
        if (e instanceof TableWriter.UnappliableChange) {
            return false;
        }
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
                || state.startsWith("40") || state.equals("55P03") || state.equals("25006");
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return message.lines().findFirst().orElse(message) + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return message.lines().findFirst().orElse(message);
    }

    private void disconnect() {
        statements.clear();
        plain = null;
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // it is going anyway
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is going anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }

    public static final class Builder {
        private String linkId;
        private PgEndpoint target;
        private String topicPrefix;
        private List<String> schemas;
        private String bootstrapServers;
        private int batchSize = 1000;
        private BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters;
        private ApplierListener listener;

        public Builder linkId(String linkId) {
            this.linkId = linkId;
            return this;
        }

        public Builder target(PgEndpoint target) {
            this.target = target;
            return this;
        }

        /** e.g. {@code lifeboat.cdc.main.}: every topic starting with it is this link's. */
        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = topicPrefix;
            return this;
        }

        public Builder schemas(Collection<String> schemas) {
            this.schemas = List.copyOf(schemas);
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder deadLetters(BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        public Builder listener(ApplierListener listener) {
            this.listener = listener;
            return this;
        }

        public ChangeApplier build() {
            Objects.requireNonNull(linkId, "linkId");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(schemas, "schemas");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(listener, "listener");
            return new ChangeApplier(this);
        }
    }
}
