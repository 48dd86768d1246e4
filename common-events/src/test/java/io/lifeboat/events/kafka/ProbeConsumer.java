package io.lifeboat.events.kafka;

import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A consumer written the way every Lifeboat consumer is: through the inbox. */
@ApplicationScoped
public class ProbeConsumer {

    private final EventInbox inbox;
    private final List<Event<ServiceStarted>> received = new CopyOnWriteArrayList<>();

    ProbeConsumer(EventInbox inbox) {
        this.inbox = inbox;
    }

    @Incoming("probe")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        inbox.open(record, EventTypes.SERVICE_STARTED).ifPresent(received::add);
    }

    public List<Event<ServiceStarted>> received() {
        return received;
    }
}
