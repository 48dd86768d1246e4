package io.lifeboat.replication.apply;

import io.lifeboat.replication.source.StreamHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Reads one record of a link's change topic against the cursor: what it is (BEGIN, a change, END), what the
 * cursor says to do with it, and the parsed change to apply. A record that cannot be read goes to the dead-letter
 * topic with the reason; between transactions it is passed over (it is not part of any), inside one it breaks the
 * transaction, and the link stops rather than apply it in part.
 */
final class StreamReader {

    private final BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters;

    StreamReader(BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * @param step      the cursor's decision
     * @param change    the change to apply (APPLY only), else null
     * @param commitLsn END: the transaction's commit LSN, else 0
     */
    record Read(TransactionCursor.Step step, ChangeRecord change, long commitLsn) {
    }

    Read read(ConsumerRecord<String, byte[]> record, TransactionCursor cursor) {
        String kind = StreamHeaders.text(record.headers(), StreamHeaders.KIND);
        try {
            if (kind == null) {
                throw new ChangeRecord.MalformedChange("no " + StreamHeaders.KIND + " header: not written by"
                        + " Lifeboat's capture");
            }
            long tx = StreamHeaders.number(record.headers(), StreamHeaders.TX);
            switch (kind) {
                case "BEGIN" -> {
                    return new Read(cursor.begin(tx), null, 0);
                }
                case "END" -> {
                    long commitLsn = StreamHeaders.number(record.headers(), StreamHeaders.COMMIT_LSN);
                    return new Read(cursor.end(tx, StreamHeaders.xid(record.headers()), commitLsn), null, commitLsn);
                }
                case "DATA" -> {
                    TransactionCursor.Step step = cursor.data(tx, StreamHeaders.number(record.headers(),
                            StreamHeaders.LSN), (int) StreamHeaders.number(record.headers(), StreamHeaders.ORDINAL),
                            StreamHeaders.xid(record.headers()));
                    if (step.action() != TransactionCursor.Action.APPLY) {
                        return new Read(step, null, 0);
                    }
                    ChangeRecord change = ChangeRecord.parse(record.key() == null ? null
                            : record.key().getBytes(StandardCharsets.UTF_8), record.value());
                    if (change == null) {
                        throw new ChangeRecord.MalformedChange("a change without a value");
                    }
                    return new Read(step, change, 0);
                }
                default -> throw new ChangeRecord.MalformedChange("unknown " + StreamHeaders.KIND + " '" + kind + "'");
            }
        } catch (ChangeRecord.MalformedChange | IllegalArgumentException malformed) {
            String reason = "not an appliable Debezium change event: " + malformed.getMessage();
            deadLetters.accept(record, reason);
            if (cursor.between()) {
                return new Read(new TransactionCursor.Step(TransactionCursor.Action.SKIP, cursor, reason), null, 0);
            }
            return new Read(new TransactionCursor.Step(TransactionCursor.Action.BROKEN, cursor, "record at offset "
                    + record.offset() + " inside transaction " + cursor.open().key() + " cannot be read (" + reason
                    + "; dead-lettered): the transaction cannot be applied whole"), null, 0);
        }
    }
}
