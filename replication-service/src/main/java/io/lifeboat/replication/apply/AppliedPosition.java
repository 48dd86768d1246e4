package io.lifeboat.replication.apply;

/**
 * What has been applied from one Kafka topic-partition (one table's changes), committed in the target in the same
 * transaction as the rows themselves.
 *
 * @param nextOffset the Kafka offset to resume reading from
 * @param source     the newest streamed (not snapshot) change applied; null before the first
 */
public record AppliedPosition(String topic, int partition, long nextOffset, SourcePosition source) {
}
