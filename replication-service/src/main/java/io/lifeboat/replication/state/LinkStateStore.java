package io.lifeboat.replication.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lifeboat.events.kafka.CompactedTopic;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.replication.config.ReplicationConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The links' durable state (direction, connector, newest epoch, phase) in a compacted Kafka topic this service owns
 * ({@code lifeboat.replication.state}, key = link id), kept with the shared {@link CompactedTopic}. It is read back
 * completely before any link starts and before the first command is admitted; every change is written synchronously
 * ({@code acks=all}) before the command that caused it reports DONE.
 *
 * <p>Why Kafka and not the target database: the target changes with REVERSE (and is, at a disaster, one of the
 * sites that may be gone), while the broker is the one place that must survive the loss of either site and already
 * holds Debezium's offsets for the same links.
 */
@ApplicationScoped
public class LinkStateStore {

    private static final Logger LOG = Logger.getLogger(LinkStateStore.class);

    private final CompactedTopic store;
    private final short replicationFactor;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private Map<String, PersistedLink> links;

    LinkStateStore(ReplicationConfig config, @Identifier("default-kafka-broker") Map<String, Object> defaultBroker) {
        this.store = new CompactedTopic(KafkaSettings.clients(defaultBroker), config.stateTopic(),
                "lifeboat-replication-state");
        this.replicationFactor = config.topicReplicationFactor();
    }

    public String topic() {
        return store.topic();
    }

    /** Every link's last stored state; reads the whole topic the first time (blocking, bounded). */
    public synchronized Map<String, PersistedLink> all() {
        if (links == null) {
            links = load();
        }
        return Map.copyOf(links);
    }

    public Optional<PersistedLink> of(String linkId) {
        return Optional.ofNullable(all().get(linkId));
    }

    /** Writes a link's state and waits for the broker's acknowledgement. */
    public synchronized void save(PersistedLink link) {
        all();
        try {
            store.putAndWait(link.linkId(), json.writeValueAsBytes(link));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot store the state of link " + link.linkId() + ": " + e.getMessage(),
                    e);
        }
        links.put(link.linkId(), link);
        LOG.infof("link %s: state stored in %s: %s → %s, epoch %d, %s", link.linkId(), topic(), link.sourceSite(),
                link.targetSite(), link.epoch(), link.phase());
    }

    private Map<String, PersistedLink> load() {
        store.ensure(Optional.of(replicationFactor));
        Map<String, PersistedLink> found = new HashMap<>();
        store.readToEnd(r -> {
            if (r.value() == null) {
                found.remove(r.key());
                return;
            }
            try {
                found.put(r.key(), json.readValue(r.value(), PersistedLink.class));
            } catch (IOException e) {
                // Never guessed: a state we cannot read stops the start, with the record named.
                throw new IllegalStateException("unreadable link state in " + topic() + "-" + r.partition() + "@"
                        + r.offset() + " (key " + r.key() + "): " + e.getMessage(), e);
            }
        });
        LOG.infof("read %d link states from %s", found.size(), topic());
        return found;
    }

    @PreDestroy
    synchronized void close() {
        store.close();
    }
}
