package io.lifeboat.replication.source;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Once a capture's stop returns, its sink holds all it will ever hold (a drain's end, a stranded read's count), even
 * when the engine outlives the stop: a batch handed over afterwards is refused and not acknowledged, and a batch being
 * written when the stop comes is written whole before the stop returns.
 */
class SealedCaptureTest {

    private static final Schema TX = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();

    private final List<Change> written = new CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledged = new AtomicInteger();

    @Test
    void aBatchHandedOverAfterTheStopIsRefusedAndNotAcknowledged() throws Exception {
        ChangeSource capture = capture(written::addAll);
        capture.handleBatch(List.of(begin(100)), committer());
        assertThat(capture.stop()).as("no engine ran: nothing to wait for").isTrue();

        assertThatThrownBy(() -> capture.handleBatch(List.of(end(200)), committer()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read after the stop are not stored");
        assertThat(written).hasSize(1);
        assertThat(acknowledged).as("the refused batch's offsets are not committed: the next capture reads it again")
                .hasValue(1);
    }

    @Test
    void aBatchBeingWrittenWhenTheStopComesIsWrittenWholeFirst() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChangeSource capture = capture(changes -> {
            writing.countDown();
            release.await();
            written.addAll(changes);
        });
        Thread engine = new Thread(() -> {
            try {
                capture.handleBatch(List.of(begin(100), end(200)), committer());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        engine.start();
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopping = new Thread(capture::stop);
        stopping.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> stopping.getState() == Thread.State.BLOCKED);

        release.countDown();
        stopping.join(10_000);
        engine.join(10_000);
        assertThat(stopping.isAlive()).isFalse();
        assertThat(written).as("the batch in hand when the stop came").hasSize(2);
        assertThat(acknowledged).hasValue(2);
    }

    private ChangeSource capture(ChangeSink sink) {
        return ChangeSource.builder().linkId("t").debezium(new Properties()).sink(sink)
                .listener(new SourceListener() {
                    @Override
                    public void produced(int records, long lastLsn, long lastCommitMillis, boolean snapshot) {
                    }

                    @Override
                    public void stopped(String message, Throwable error) {
                    }
                })
                .build();
    }

    private static RecordChangeEvent<SourceRecord> begin(long lsn) {
        return tx("BEGIN", lsn);
    }

    private static RecordChangeEvent<SourceRecord> end(long lsn) {
        return tx("END", lsn);
    }

    private static RecordChangeEvent<SourceRecord> tx(String status, long lsn) {
        SourceRecord r = new SourceRecord(Map.of("server", "t"), Map.of("lsn", lsn, "lsn_commit", lsn),
                "lifeboat.t.transaction", null, TX, new Struct(TX).put("status", status).put("id", "7:" + lsn));
        return () -> r;
    }

    private DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer() {
        return Committers.counting(acknowledged);
    }
}
