package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventType;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.events.Topic;
import io.lifeboat.events.kafka.EventInbox;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.events.service.LifeboatConfig;
import io.lifeboat.events.kafka.TopicNames;
import io.lifeboat.events.kafka.UnreadableEvent;
import io.lifeboat.events.retry.Backoff;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one alert path: every alert on {@code lifeboat.alerts}, whoever raised it (the observers, the site warden,
 * failover-, replication- and filesync-service), reaches the configured receivers once, and its resolution resolves
 * it. What to deliver is {@link RelayRules}' decision; this shell reads Kafka and hands notices to the receivers.
 *
 * <p>Every heartbeat instance with receivers joins one consumer group, so each alert is delivered by one instance.
 * The thread {@code alert-relay} owns the consumer and the rules' state. On taking a partition it reads it from the
 * beginning to rebuild which alerts fire, delivering nothing up to the group's committed offset (delivered before),
 * then delivers from there. Offsets are committed only when every receiver has settled what it was given, so a
 * relay that dies delivers again on the next one (at least once; Alertmanager and a CloudEvents sink drop the
 * repeat by its labels or id). A group's very first relay delivers what fires at that moment, then what follows.
 */
@ApplicationScoped
public class AlertRelay {

    private static final Logger LOG = Logger.getLogger(AlertRelay.class);
    private static final Set<EventType<?>> ALERTS = Set.of(EventTypes.ALERT_RAISED, EventTypes.ALERT_RESOLVED);

    private record Receiving(WebhookReceiver receiver, Severity minSeverity) {
    }

    private final List<Receiving> receivers = new ArrayList<>();
    private final String group;
    private final String topic;
    private final String clientId;
    private final EventInbox inbox;
    private final EventReader quietReader;
    private final Map<String, Object> kafka;
    private volatile RelayRules.State state = RelayRules.State.empty();
    private volatile boolean running = true;
    private Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;

    AlertRelay(HeartbeatConfig config, LifeboatConfig lifeboat, TopicNames topics, EventInbox inbox,
            @Identifier("default-kafka-broker") Map<String, Object> broker, MeterRegistry metrics) {
        this.group = config.alerts().relayGroup();
        this.topic = topics.of(Topic.ALERTS);
        this.clientId = "lifeboat-alert-relay-" + config.observerId();
        this.inbox = inbox;
        this.quietReader = new EventReader(lifeboat.events().maxPayloadBytes());
        this.kafka = KafkaSettings.clients(broker);
        HeartbeatConfig.Alerts alerts = config.alerts();
        try {
            new Backoff(alerts.initialBackoff(), alerts.maxBackoff());
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("lifeboat.heartbeat.alerts.initial-backoff and max-backoff: "
                    + bad.getMessage(), bad);
        }
        WebhookReceiver.Retry retry = new WebhookReceiver.Retry(alerts.initialBackoff(), alerts.maxBackoff(),
                alerts.giveUpAfter(), alerts.requestTimeout(), alerts.resendEvery());
        new TreeMap<>(alerts.receivers()).forEach((name, receiver) -> {
            if (!receiver.enabled()) {
                return;
            }
            String key = "lifeboat.heartbeat.alerts.receivers." + name + ".url";
            if (!receiver.url().startsWith("http://") && !receiver.url().startsWith("https://")) {
                throw new IllegalArgumentException(key + ": not an http(s) URL");
            }
            WebhookReceiver r = new WebhookReceiver(name, receiver.kind(), receiver.url(), receiver.headers(), retry,
                    this::firing);
            LOG.infof("alerts go to %s (severity %s and above)", r.where(), receiver.minSeverity());
            receivers.add(new Receiving(r, receiver.minSeverity()));
            // Whether paging works, per receiver: notices taken, and attempts that failed (retried until give-up).
            Tags tags = Tags.of("receiver", name, "kind", receiver.kind().name().toLowerCase(Locale.ROOT));
            FunctionCounter.builder("lifeboat.alerts.notices.delivered", r, WebhookReceiver::delivered).tags(tags)
                    .description("alert notices the receiver took").register(metrics);
            FunctionCounter.builder("lifeboat.alerts.notice.attempts.failed", r, WebhookReceiver::failedAttempts)
                    .tags(tags).description("attempts to deliver a notice that failed (each is retried)")
                    .register(metrics);
        });
        Gauge.builder("lifeboat.alerts.firing", this, relay -> relay.state.firing().size())
                .description("alerts firing, as this instance's relay knows them (0 where it does not relay)")
                .register(metrics);
    }

    void start(@Observes StartupEvent startup) {
        if (receivers.isEmpty()) {
            LOG.info("alert relay: no receivers configured (lifeboat.heartbeat.alerts.receivers.*): alerts stay on "
                    + topic + " for others to deliver");
            return;
        }
        thread = new Thread(this::relay, "alert-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** The alerts firing now, as the relay knows them. */
    public List<AlertRaised> firingNow() {
        return state.firing().values().stream().map(RelayRules.Firing::raised).toList();
    }

    private List<AlertNotice> firing() {
        return firingNow().stream().map(AlertNotice::raised).toList();
    }

    private void relay() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        while (running) {
            try {
                relayUntilStopped();
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("alert relay: reading %s failed (%s); reading again in %d ms", topic, e.getMessage(),
                        backoff.current().toMillis());
                if (!backoff.pause()) {
                    return;
                }
            }
        }
    }

    private void relayUntilStopped() {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put("group.id", group);
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        c.put("allow.auto.create.topics", "false");
        c.put("client.id", clientId);
        // An instance cut off from Kafka hands the partition to another within seconds, not Kafka's 45 s.
        c.put("session.timeout.ms", "10000");
        c.put("heartbeat.interval.ms", "3000");
        Map<TopicPartition, Long> replayUntil = new HashMap<>();
        Set<TopicPartition> firstOfGroup = new HashSet<>();
        Map<TopicPartition, Long> committedAt = new HashMap<>();
        try (KafkaConsumer<String, byte[]> kc = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = kc;
            kc.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitIfSettled(kc, partitions, replayUntil, firstOfGroup, committedAt);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Which alerts fire is rebuilt from the partitions' whole history (one, as shipped).
                    state = RelayRules.State.empty();
                    Map<TopicPartition, OffsetAndMetadata> committed = kc.committed(new HashSet<>(partitions));
                    Map<TopicPartition, Long> ends = kc.endOffsets(partitions);
                    replayUntil.clear();
                    firstOfGroup.clear();
                    committedAt.clear();
                    for (TopicPartition p : partitions) {
                        OffsetAndMetadata at = committed.get(p);
                        replayUntil.put(p, at == null ? ends.get(p) : at.offset());
                        if (at == null) {
                            firstOfGroup.add(p);
                        } else {
                            committedAt.put(p, at.offset());
                        }
                    }
                    kc.seekToBeginning(partitions);
                    LOG.infof("alert relay took %s: replaying up to %s before delivering", partitions, replayUntil);
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> r : kc.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    boolean replay = r.offset() < replayUntil.getOrDefault(p, 0L);
                    // A group's first relay reads what no relay has read: an unreadable record goes to the
                    // dead-letter topic then. Below a committed offset, a relay before it sent it there already.
                    read(r, replay && !firstOfGroup.contains(p)).ifPresent(event -> apply(event, replay));
                }
                for (TopicPartition p : new ArrayList<>(firstOfGroup)) {
                    if (kc.position(p) >= replayUntil.get(p)) {
                        firstOfGroup.remove(p);
                        LOG.infof("alert relay: first of group %s; delivering the %d alerts firing now", group,
                                state.firing().size());
                        firing().forEach(this::deliver);
                    }
                }
                commitIfSettled(kc, kc.assignment(), replayUntil, firstOfGroup, committedAt);
            }
        } finally {
            consumer = null;
        }
    }

    /** @param readBefore a relay of the group read it already (and dead-lettered it if unreadable): quietly */
    private Optional<Event<?>> read(ConsumerRecord<String, byte[]> r, boolean readBefore) {
        if (!readBefore) {
            return inbox.open(r, ALERTS);
        }
        try {
            Event<?> event = quietReader.read(r.headers(), r.value());
            return ALERTS.contains(event.type()) ? Optional.of(event) : Optional.empty();
        } catch (UnreadableEvent unreadable) {
            return Optional.empty();
        }
    }

    private void apply(Event<?> event, boolean replay) {
        RelayRules.Step step = event.payload() instanceof AlertRaised raised ? RelayRules.on(state, raised)
                : RelayRules.on(state, (AlertResolved) event.payload());
        state = step.next();
        if (replay) {
            LOG.debugf("alert relay (replay): %s", step.reason());
            return;
        }
        LOG.infof("alert relay: %s", step.reason());
        step.deliver().ifPresent(this::deliver);
    }

    /** A notice that must not wait for Kafka, straight to the receivers (see {@link AlertService#raiseAtOnce}). */
    void deliverAtOnce(AlertNotice notice) {
        deliver(notice);
    }

    private void deliver(AlertNotice notice) {
        for (Receiving r : receivers) {
            if (notice.severity().compareTo(r.minSeverity()) >= 0) {
                r.receiver().send(notice);
            }
        }
    }

    /**
     * Commits what was read once every receiver has settled it: a notice not yet taken is read again. Never below
     * where the replay ends (that would deliver again what was delivered), and not while a group's first relay has
     * yet to deliver what fires.
     */
    private void commitIfSettled(KafkaConsumer<String, byte[]> kc, Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> replayUntil, Set<TopicPartition> firstOfGroup, Map<TopicPartition, Long> committedAt) {
        if (!receivers.stream().allMatch(r -> r.receiver().settled())) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            long at = Math.max(kc.position(p), replayUntil.getOrDefault(p, 0L));
            if (!firstOfGroup.contains(p) && at != committedAt.getOrDefault(p, -1L)) {
                offsets.put(p, new OffsetAndMetadata(at));
            }
        }
        if (!offsets.isEmpty()) {
            kc.commitSync(offsets);
            offsets.forEach((p, o) -> committedAt.put(p, o.offset()));
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        KafkaConsumer<String, byte[]> kc = consumer;
        if (kc != null) {
            kc.wakeup();
        }
        receivers.forEach(r -> r.receiver().close());
    }
}
