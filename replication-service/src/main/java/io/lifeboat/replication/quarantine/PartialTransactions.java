package io.lifeboat.replication.quarantine;

import io.lifeboat.replication.source.StreamHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A transaction whose END never reached the change topic (its source or capture died in the middle): at promotion
 * its changes are read from the topic and kept in the quarantine of the promoted database, never applied.
 */
public final class PartialTransactions {

    private PartialTransactions() {
    }

    /**
     * Reads records [from, to) of the topic's partition 0 and adds their changes to the quarantine, in the caller's
     * transaction.
     *
     * @return changes kept per table
     */
    public static Map<String, Long> quarantine(Map<String, Object> kafka, String topic, long from, long to,
            Connection keeper, String linkId, long epoch, String sourceSite) throws SQLException {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> counts = new TreeMap<>();
        List<QuarantineStore.Entry> entries = new ArrayList<>();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            Instant deadline = Instant.now().plusSeconds(60);
            while (consumer.position(tp) < to && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= to) {
                        break;
                    }
                    if (!"DATA".equals(StreamHeaders.text(r.headers(), StreamHeaders.KIND))) {
                        continue;
                    }
                    String table = StreamHeaders.text(r.headers(), StreamHeaders.TABLE);
                    entries.add(QuarantineSink.entry(linkId, QuarantineStore.Reason.PARTIAL_TRANSACTION, epoch,
                            sourceSite, table, StreamHeaders.number(r.headers(), StreamHeaders.TX),
                            StreamHeaders.number(r.headers(), StreamHeaders.LSN), r.key(), r.value()));
                    counts.merge(table, 1L, Long::sum);
                    if (entries.size() >= 1000) {
                        QuarantineStore.add(keeper, entries);
                        entries.clear();
                    }
                }
            }
            if (consumer.position(tp) < to) {
                throw new SQLException("could not read the partial transaction's records " + from + ".." + to
                        + " of " + topic + " within 60 s", "58000");
            }
        }
        QuarantineStore.add(keeper, entries);
        return counts;
    }

}
