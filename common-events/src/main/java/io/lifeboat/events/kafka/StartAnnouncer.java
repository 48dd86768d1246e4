package io.lifeboat.events.kafka;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import io.lifeboat.events.json.EventSchemas;
import io.lifeboat.events.service.ServiceIdentity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Publishes one {@code lifeboat.service.started.v1} when the instance comes up. */
@ApplicationScoped
public class StartAnnouncer {

    private static final Logger LOG = Logger.getLogger(StartAnnouncer.class);

    void onStart(@Observes StartupEvent start, ServiceIdentity identity, EventPublisher publisher) {
        EventSchemas.preload();
        ServiceStarted started = new ServiceStarted(identity.service(), identity.site(), identity.instanceId(),
                identity.version(), identity.commit(), identity.startedAt());
        LOG.infof("%s %s (commit %s) starting at site %s as %s", identity.service(), identity.version(),
                identity.commit(), identity.site(), identity.instanceId());
        // Not awaited: the emitter holds the event until the channel is wired, and start-up must not wait on Kafka.
        publisher.publish(EventTypes.SERVICE_STARTED, started).subscribe().with(
                event -> LOG.debugf("announced start as event %s", event.id()),
                failure -> LOG.errorf("could not announce start: %s", failure.getMessage()));
    }
}
