package io.lifeboat.failover;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.kafka.EventInbox;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** What failover-service reads: verdicts, lag, and the answers to its commands; all handed to the control loop. */
@ApplicationScoped
public class Inbound {

    private final EventInbox inbox;
    private final FailoverLoop loop;

    Inbound(EventInbox inbox, FailoverLoop loop) {
        this.inbox = inbox;
        this.loop = loop;
    }

    @Incoming("outages")
    @Blocking
    public void onOutage(ConsumerRecord<String, byte[]> record) {
        inbox.open(record, EventTypes.SITE_VERDICT_CHANGED).ifPresent(e -> loop.offer((SiteVerdictChanged) e.payload()));
    }

    @Incoming("lag")
    @Blocking
    public void onLag(ConsumerRecord<String, byte[]> record) {
        inbox.open(record, EventTypes.REPLICATION_LAG).ifPresent(e -> loop.offer((ReplicationLag) e.payload()));
    }

    @Incoming("events")
    @Blocking
    public void onEvent(ConsumerRecord<String, byte[]> record) {
        inbox.open(record, EventTypes.COMMAND_FINISHED).ifPresent(e -> loop.offer((CommandFinished) e.payload()));
    }
}
