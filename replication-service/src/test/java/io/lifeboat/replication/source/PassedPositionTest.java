package io.lifeboat.replication.source;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The position the capture reports as passed (which a DRAIN waits for before it stops the capture) is only ever one
 * between transactions. A heartbeat amid a transaction's messages reports where the server had read to, past the
 * transaction's END; counting it let a drain stop the capture after a BEGIN whose END was in the next batch, and a
 * planned PROMOTE was refused for a partial transaction.
 */
class PassedPositionTest {

    private static final Schema TX = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();
    private static final Schema HEARTBEAT = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
            .field("ts_ms", Schema.INT64_SCHEMA).build();

    private final List<Long> passed = new ArrayList<>();
    private final ChangeSource capture = ChangeSource.builder().linkId("t").debezium(new Properties())
            .listener(new SourceListener() {
                @Override
                public void produced(int records, long lastLsn, long lastCommitMillis, boolean snapshot) {
                    passed.add(lastLsn);
                }

                @Override
                public void stopped(String message, Throwable error) {
                }
            })
            .sink(changes -> { })
            .build();

    @Test
    void aHeartbeatInsideATransactionIsNotAPositionPassed() throws Exception {
        capture.handleBatch(List.of(tx("BEGIN", 100, 50), heartbeat(900)), committer());
        capture.handleBatch(List.of(tx("END", 200, 200), heartbeat(950)), committer());

        assertThat(passed).as("nothing passed while the transaction was open; its END, then the next heartbeat")
                .containsExactly(-1L, 950L);
    }

    @Test
    void anEndAloneIsAPositionPassed() throws Exception {
        capture.handleBatch(List.of(tx("BEGIN", 100, 50)), committer());
        capture.handleBatch(List.of(tx("END", 200, 200)), committer());
        capture.handleBatch(List.of(heartbeat(300)), committer());

        assertThat(passed).containsExactly(-1L, 200L, 300L);
    }

    private static RecordChangeEvent<SourceRecord> tx(String status, long lsn, long lsnCommit) {
        SourceRecord r = new SourceRecord(Map.of("server", "t"), Map.of("lsn", lsn, "lsn_commit", lsnCommit),
                "lifeboat.t.transaction", null, TX, new Struct(TX).put("status", status).put("id", "7:" + lsn));
        return () -> r;
    }

    private static RecordChangeEvent<SourceRecord> heartbeat(long lsn) {
        SourceRecord r = new SourceRecord(Map.of("server", "t"), Map.of("lsn", lsn), "__debezium-heartbeat.t", null,
                HEARTBEAT, new Struct(HEARTBEAT).put("ts_ms", 1L));
        return () -> r;
    }

    private static DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer() {
        return Committers.counting(new java.util.concurrent.atomic.AtomicInteger());
    }
}
