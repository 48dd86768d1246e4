package io.lifeboat.heartbeat.service;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.kafka.EventInbox;
import io.lifeboat.heartbeat.verdict.Observation;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads every observer's heartbeats, this one's included, in order (ordered blocking: one site's heartbeats share a
 * partition, so every instance takes them in the same order and reaches the same transitions).
 */
@ApplicationScoped
public class HeartbeatConsumer {

    private static final Logger LOG = Logger.getLogger(HeartbeatConsumer.class);

    private final EventInbox inbox;
    private final VerdictService verdicts;

    HeartbeatConsumer(EventInbox inbox, VerdictService verdicts) {
        this.inbox = inbox;
        this.verdicts = verdicts;
    }

    @Incoming("heartbeats")
    @Blocking
    public void take(ConsumerRecord<String, byte[]> record) {
        try {
            inbox.open(record, EventTypes.HEARTBEAT_OBSERVED)
                    .ifPresent(event -> verdicts.observe(Observation.of(event.payload())));
        } catch (RuntimeException e) {
            // A failure here must not stop the channel: the next heartbeat of the same target supersedes this one.
            LOG.errorf(e, "could not take heartbeat %s-%d@%d", record.topic(), record.partition(), record.offset());
        }
    }
}
