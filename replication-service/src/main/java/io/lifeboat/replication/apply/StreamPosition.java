package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
/**
 * Where the applier stands in the link's change topic, committed in the target in the same transaction as the rows
 * it covers. Always a transaction boundary.
 *
 * @param topic      the change topic
 * @param topicId    Kafka's id of that topic when the position was taken: another id is another topic, and what
 *                   the position counted is not in it
 * @param nextOffset the offset to read next (right after the last END applied, or a record skipped between
 *                   transactions)
 * @param txKey      the key of the last transaction applied ({@link TransactionCursor}); -1 before the first
 * @param applied    the newest change applied (commit time for the lag and the data-loss window); null before
 * @param commitLsn  the source's commit LSN of the last transaction applied; 0 before the first
 */
public record StreamPosition(String topic, String topicId, long nextOffset, long txKey, SourcePosition applied,
        long commitLsn) {
}
