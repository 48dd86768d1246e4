package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.events.retry.Backoff;
import io.lifeboat.replication.copy.CopyProgress;
import io.lifeboat.replication.copy.CopySnapshot;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.copy.CopyStore.TableCopy;
import io.lifeboat.replication.db.LifeboatSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Applies a link's change topic to the target database: whole source transactions, in commit order, exactly once in
 * effect. Changes go into one open target transaction as they come ({@link StreamApplier}); the target commits only
 * right after a transaction's END, with the position, so a failure rolls back to a transaction boundary and reading
 * starts again there. A change to a table being copied ({@link CopyStore}) is skipped when the copy holds it
 * ({@link CopySnapshot#visible}); copies run on this loop, between transactions.
 *
 * <p>One thread (the loop) owns the consumer, the connection and every field below; other threads queue requests.
 */
public final class ChangeApplier implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeApplier.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration MEASURE = Duration.ofMillis(500);

    private final ApplierConfig config;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    /** Requests that touch the target's connection: run between transactions only. */
    private final ConcurrentLinkedQueue<Runnable> requests = new ConcurrentLinkedQueue<>();
    /** Requests that only set the loop's course (pause, resume, drain): run at once, also inside a transaction. */
    private final ConcurrentLinkedQueue<Runnable> orders = new ConcurrentLinkedQueue<>();
    private final StreamApplier stream;

    // Loop-thread state.
    private Connection connection;
    private Map<String, TableCopy> copies = Map.of();
    private Unappliable stopped;
    private String gap;
    private Instant measuredAt = Instant.EPOCH;
    private long endOffset;
    private long drainEnd = -1;
    private CompletableFuture<Drained> drained;
    private boolean paused;
    private boolean failing;
    private String lastError;
    private volatile CopyProgress copy;
    private volatile ApplierStatus status = ApplierStatus.initial();
    private volatile boolean closed;

    ChangeApplier(ApplierConfig config) {
        this.config = config;
        this.consumer = config.consumer();
        this.partition = new TopicPartition(config.topic(), 0);
        this.stream = new StreamApplier(config);
        consumer.assign(List.of(partition));
    }

    public static ApplierConfig.Builder builder() {
        return ApplierConfig.builder();
    }

    public ApplierStatus status() {
        return status;
    }

    /** Stops applying at the next transaction boundary. */
    public void pause() {
        orders.add(() -> paused = true);
    }

    public void resume() {
        orders.add(() -> paused = false);
    }

    /** Retries the refused change (after the operator fixed the cause); false if it was not stopped. */
    public CompletableFuture<Boolean> resumeTable(String table) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        requests.add(() -> {
            boolean was = stopped != null && stopped.table().equals(table);
            if (was) {
                stopped = null;
                stream.forgetShapes(); // the fix may have been a change to the target table
                rewind(stream.committed());
                LOG.infof("link %s: resumed at the transaction of the change to %s", config.linkId(), table);
                config.listener().tableResumed(table);
            }
            done.complete(was);
        });
        return done;
    }

    /** Marks tables to be copied (tables added to the link while it runs); the loop copies them next. */
    public CompletableFuture<Void> addTables(List<String> tables) {
        return withConnection(c -> {
            CopyStore.markPending(c, config.linkId(), tables);
            copies = CopyStore.load(c, config.linkId());
            return null;
        });
    }

    /** After a gap: the position moves to {@code endOffset}, every table is copied again; false without a gap. */
    public CompletableFuture<Boolean> resync(long endOffset) {
        return withConnection(c -> {
            if (gap == null) {
                return false;
            }
            PositionStore.seed(c, config.linkId(), partition.topic(), config.topicId(), endOffset);
            CopyStore.markPending(c, config.linkId(), List.copyOf(copies.keySet()));
            gap = null;
            return true;
        }).thenApply(resynced -> {
            requests.add(this::disconnect); // connecting again reads the new position and the copies back
            return resynced;
        });
    }

    /**
     * Applies everything in the topic at this moment, then pauses. A transaction at the topic's end whose END never
     * came is rolled back and reported (for the quarantine), never applied. Fails when a change is refused.
     */
    public CompletableFuture<Drained> drain() {
        CompletableFuture<Drained> done = new CompletableFuture<>();
        orders.add(() -> {
            drainEnd = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
            drained = done;
            paused = false;
        });
        return done;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
        while (!closed) {
            try {
                run(orders);
                if (stream.between()) {
                    run(requests);
                }
                ensureConnected();
                if (stopped != null || gap != null || paused && stream.between()) {
                    // Not polled: a poll would move the consumer past records nobody applies.
                    Thread.sleep(POLL.toMillis()); // idle while waiting for an operator, not synchronisation
                } else if (stream.between() && copies.values().stream().anyMatch(c -> !c.copied())) {
                    copyPending();
                } else {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        StreamApplier.Result result = stream.apply(record, copies);
                        if (result instanceof StreamApplier.Refused r) {
                            refuse(record, r);
                            break;
                        }
                        if (result instanceof StreamApplier.Broken b) {
                            stopForGap(record.offset(), b.reason());
                            break;
                        }
                    }
                    if (stream.dueForCommit() && stopped == null && gap == null) {
                        stream.commit();
                    }
                }
                measure();
                checkDrain();
                if (failing) {
                    failing = false;
                    lastError = null;
                    LOG.infof("link %s: applying again to %s", config.linkId(), config.target());
                    config.listener().recovered();
                }
                backoff.reset();
            } catch (WakeupException | InterruptedException e) {
                break;
            } catch (OffsetOutOfRangeException e) {
                outOfRange();
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                lastError = ApplyErrors.describe(e);
                if (!failing) {
                    LOG.warnf("link %s: cannot apply to %s (%s); retrying from the last committed transaction",
                            config.linkId(), config.target(), lastError);
                    config.listener().failing(lastError);
                }
                failing = true;
                disconnect();
                publishStatus();
                if (!backoff.pause()) {
                    break;
                }
            }
        }
        disconnect();
        consumer.close(Duration.ofSeconds(5));
    }

    private void refuse(ConsumerRecord<String, byte[]> record, StreamApplier.Refused r) {
        rewind(stream.committed());
        stopped = new Unappliable(r.table(), record.topic(), record.partition(), r.from(), r.key(),
                ApplyErrors.describe(r.cause()), Instant.now());
        LOG.errorf("link %s: change to %s (key %s) in the transaction at %s-%d@%d refused: %s; the link waits"
                + " before that transaction", config.linkId(), r.table(), r.key(), record.topic(), record.partition(),
                r.from(), stopped.cause());
        config.listener().tableStopped(stopped);
    }

    private void stopForGap(long found, String why) {
        rewind(stream.committed());
        gap = why;
        long stored = stream.committed() == null ? -1 : stream.committed().nextOffset();
        LOG.errorf("link %s: change stream %s-0 broken at %d (applied up to %d): %s; the link stops", config.linkId(),
                partition.topic(), found, stored, why);
        config.listener().gap(partition.topic(), 0, stored, found, why);
    }

    /** The stored position is not in the log (retention deleted it, or the topic is another one). */
    private void outOfRange() {
        long stored = stream.committed() == null ? 0 : stream.committed().nextOffset();
        long first = consumer.beginningOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        long last = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        stopForGap(stored < first ? first : last, stored < first ? "the log now starts at offset " + first
                + ", after the next offset to apply " + stored + " (retention deleted changes never applied)"
                : "the log ends at offset " + last + ", before the next offset to apply " + stored
                + " (the topic was recreated, or this is another cluster)");
    }

    private void copyPending() throws Exception {
        List<String> tables = copies.values().stream().filter(c -> !c.copied()).map(TableCopy::table).toList();
        int copiedBefore = copies.size() - tables.size();
        publishStatus();
        // Called on the copy's threads: only the published status changes, from the loop's last one.
        config.copier().copy(tables, p -> {
            copy = p;
            status = status.copying(p, ConsistencyRule.copying(copiedBefore + p.tablesDone(), copies.size()));
        });
        reloadCopies();
        copy = null;
    }

    private void reloadCopies() {
        try {
            if (connection != null) {
                copies = CopyStore.load(connection, config.linkId());
                connection.commit();
            }
        } catch (SQLException e) {
            disconnect(); // read again on reconnect
        }
    }

    /** @return false when interrupted */
    private static void run(ConcurrentLinkedQueue<Runnable> queue) {
        Runnable request;
        while ((request = queue.poll()) != null) {
            request.run();
        }
    }

    private void ensureConnected() throws SQLException {
        if (connection != null) {
            return;
        }
        Connection c = config.target().connect("lifeboat-applier-" + config.linkId());
        try {
            LifeboatTables.ensure(c);
            LifeboatSchema.applierSession(c);
            StreamPosition stored = PositionStore.load(c, config.linkId(), partition.topic());
            copies = CopyStore.load(c, config.linkId());
            c.commit();
            connection = c;
            stream.use(c);
            if (stored != null && stored.topicId() != null && !stored.topicId().equals(config.topicId())) {
                stream.restart(stored);
                stopForGap(0, "topic " + partition.topic() + " has id " + config.topicId() + ", the stored position"
                        + " belongs to topic id " + stored.topicId() + " (the topic was deleted and created again)");
                return;
            }
            rewind(stored != null ? stored : new StreamPosition(partition.topic(), config.topicId(), 0, -1, null, 0));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** Back to a commit: the target rolled back, the stream's state and the consumer there. */
    private void rewind(StreamPosition at) {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException e) {
            disconnect();
        }
        stream.restart(at);
        consumer.seek(partition, at.nextOffset());
    }

    private void measure() {
        if (Duration.between(measuredAt, Instant.now()).compareTo(MEASURE) >= 0) {
            measuredAt = Instant.now();
            endOffset = consumer.endOffsets(List.of(partition), Duration.ofSeconds(5)).get(partition);
        }
        publishStatus();
    }

    private void publishStatus() {
        StreamPosition committed = stream.committed();
        long pending = committed == null ? 0 : Math.max(0, endOffset - committed.nextOffset());
        SourcePosition applied = committed == null ? null : committed.applied();
        long oldestPending = pending > 0 && applied != null ? applied.commitMillis() : pending > 0 ? 1 : 0;
        status = new ApplierStatus(pending, applied, oldestPending, stream.lastHeartbeatCommit(), stream.appliedChanges(),
                connection != null, paused, stopped == null ? List.of() : List.of(stopped), lastError,
                ConsistencyRule.of(copies.values(), gap, stopped, committed == null ? 0 : committed.commitLsn()), copy);
    }

    private void checkDrain() throws SQLException {
        if (drained == null) {
            return;
        }
        if (stopped != null || gap != null) {
            drained.completeExceptionally(new IllegalStateException(stopped != null ? stopped.describe()
                    : "the change stream has a gap: " + gap));
            drained = null;
            return;
        }
        boolean whole = stream.committed().nextOffset() >= drainEnd;
        boolean tail = !whole && consumer.position(partition) >= drainEnd && !stream.between();
        if (whole || tail) {
            long from = tail ? stream.openFrom() : -1;
            if (tail) {
                rewind(stream.committed()); // the partial transaction is rolled back, never committed
            }
            paused = true;
            endOffset = drainEnd;
            publishStatus();
            drained.complete(new Drained(status, from, tail ? drainEnd : -1));
            drained = null;
        }
    }

    /** Runs on the applier's own connection, between transactions: for PROMOTE and REVERSE. */
    public <T> CompletableFuture<T> withConnection(SqlWork<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        requests.add(() -> {
            try {
                ensureConnected();
                T result = work.run(connection);
                connection.commit();
                done.complete(result);
            } catch (Exception e) {
                disconnect(); // rolled back; the next loop connects again
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.rollback();
                connection.close();
            } catch (SQLException ignored) {
                // it is going anyway
            }
            connection = null;
        }
        stream.restart(stream.committed());
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }
}
