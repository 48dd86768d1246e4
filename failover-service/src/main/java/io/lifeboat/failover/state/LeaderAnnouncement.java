package io.lifeboat.failover.state;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverLeader;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.kafka.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A new leader says who it is and where its API is ({@code lifeboat.failover.leader-elected.v1}, key
 * {@code <stateId>/leader} on the state topic), so that the other instances can forward operators' actions to it.
 * Written in a transaction of the producer that has just fenced the older ones: a fenced leader's claim is never read.
 */
final class LeaderAnnouncement {

    private static final Logger LOG = Logger.getLogger(LeaderAnnouncement.class);

    private LeaderAnnouncement() {
    }

    static FailoverLeader publish(KafkaProducer<String, byte[]> fresh, StoreSettings settings, Instant since) {
        FailoverLeader claim = new FailoverLeader(settings.stateId(), settings.instanceId(), settings.apiUrl(), since);
        try {
            fresh.beginTransaction();
            fresh.send(EventRecords.record(settings.stateTopic(), EventTypes.FAILOVER_LEADER, claim, settings.source(),
                    since));
            fresh.commitTransaction();
            return claim;
        } catch (KafkaException e) {
            fresh.close(Duration.ZERO);
            throw e;
        }
    }

    /** The announcement a record of the state topic holds, if it is one of this arrangement. */
    static Optional<FailoverLeader> read(StoreSettings settings, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || !(settings.stateId() + "/leader").equals(record.key())
                || !EventTypes.FAILOVER_LEADER.name().equals(CloudEventHeaders.text(record.headers(), CloudEventHeaders.TYPE))) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.mapper().readValue(record.value(), FailoverLeader.class));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warnf("leader record at offset %d cannot be read: %s", record.offset(), e.getMessage());
            return Optional.empty();
        }
    }
}
