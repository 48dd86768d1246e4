package io.lifeboat.replication.source;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.concurrent.atomic.AtomicInteger;

/** Debezium's record committer as the capture's tests need it: it counts the records marked processed. */
final class Committers {

    private Committers() {
    }

    static DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> counting(AtomicInteger processed) {
        return new DebeziumEngine.RecordCommitter<>() {
            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record) {
                processed.incrementAndGet();
            }

            @Override
            public void markBatchFinished() {
            }

            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
                processed.incrementAndGet();
            }

            @Override
            public DebeziumEngine.Offsets buildOffsets() {
                return null;
            }
        };
    }
}
