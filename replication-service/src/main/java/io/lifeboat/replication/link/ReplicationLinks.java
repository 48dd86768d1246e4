package io.lifeboat.replication.link;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.LinkStateChanged;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.kafka.AlertPublisher;
import io.lifeboat.events.kafka.EventOutbox;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.replication.config.ReplicationConfig;
import io.lifeboat.replication.state.LinkStateStore;
import io.lifeboat.replication.state.PersistedLink;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Every configured link, started with the application and closed with it. */
@ApplicationScoped
public class ReplicationLinks implements LinkEvents {

    private static final Logger LOG = Logger.getLogger(ReplicationLinks.class);

    private final ReplicationConfig config;
    private final EventOutbox outbox;
    private final AlertPublisher alerts;
    private final DeadLetters deadLetters;
    private final Map<String, Object> kafka;
    private final LinkStateStore states;
    private final io.lifeboat.events.service.ServiceIdentity identity;
    private final Map<String, ReplicationLink> links = new LinkedHashMap<>();
    private Map<String, java.util.List<String>> applicationRoles = Map.of();

    ReplicationLinks(ReplicationConfig config, EventOutbox outbox, AlertPublisher alerts, DeadLetters deadLetters,
            @io.smallrye.common.annotation.Identifier("default-kafka-broker") Map<String, Object> kafka,
            LinkStateStore states, io.lifeboat.events.service.ServiceIdentity identity) {
        this.identity = identity;
        this.states = states;
        this.config = config;
        this.outbox = outbox;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.kafka = KafkaSettings.clients(kafka);
    }

    @Override
    public String who() {
        return identity.who();
    }

    /** Bad configuration or keyless tables stop the start, with a message naming the key or the tables. */
    void start(@Observes StartupEvent started) {
        Map<String, LinkDefinition> definitions = new LinkedHashMap<>();
        config.links().forEach((id, link) -> {
            if (link.enabled()) {
                definitions.put(id, LinkDefinition.from(id, link));
            } else {
                LOG.infof("link %s is configured but disabled (lifeboat.replication.links.%s.enabled=false)", id, id);
            }
        });
        applicationRoles = SiteSettings.applicationRoles(config, definitions.values());
        ReplicationLink.Environment env = new ReplicationLink.Environment(kafka, config.offsetsTopic(),
                config.cdcTopicPrefix(), config.topicReplicationFactor(), this,
                (record, reason) -> deadLetters.send(record, reason).await().atMost(Duration.ofSeconds(130)), states,
                config.producerCompression(), applicationRoles);
        // Read back before any link starts: direction, connector, epoch and phase as the last commands left them.
        Map<String, PersistedLink> stored = definitions.isEmpty() ? Map.of() : states.all();
        for (LinkDefinition definition : definitions.values()) {
            ReplicationLink link = new ReplicationLink(definition, env, stored.get(definition.id()));
            link.start();
            links.put(definition.id(), link);
            LOG.infof("link %s: %s → %s, schemas %s, slot %s, publication %s", definition.id(),
                    link.definition().source(), link.definition().target(), definition.schemas(), definition.slot(),
                    definition.publication());
        }
        if (links.isEmpty()) {
            LOG.info("no replication link configured (lifeboat.replication.links.<id>.*)");
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        links.values().forEach(ReplicationLink::close);
    }

    public Collection<ReplicationLink> all() {
        return links.values();
    }

    /** The application roles FENCE locks at {@code site} ({@code lifeboat.replication.sites.<site>.application-roles}). */
    public java.util.List<String> applicationRoles(String site) {
        return applicationRoles.getOrDefault(site, java.util.List.of());
    }

    public Optional<ReplicationLink> byId(String id) {
        return Optional.ofNullable(links.get(id));
    }

    @Override
    public void stateChanged(LinkStateChanged change) {
        outbox.publish(EventTypes.LINK_STATE_CHANGED, change);
    }

    @Override
    public void alert(AlertRaised alert) {
        alerts.raise(alert);
    }

    @Override
    public void resolved(AlertResolved resolved) {
        alerts.resolve(resolved);
    }
}
