package io.lifeboat.failover.state;

import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverLeader;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.kafka.CompactedTopic;
import io.lifeboat.events.kafka.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The DR state on the compacted topic, and who may write it.
 *
 * <p>Leadership: every instance joins one consumer group on the state topic, which has one partition; the member
 * that is assigned it leads. A new leader first opens a transactional producer with the {@code transactional.id}
 * all instances share: {@code initTransactions()} fences every older producer with that id, so a former leader
 * that was paused or cut off and still believes it leads gets {@code ProducerFencedException} on its next write,
 * state and commands alike (they go in one transaction). Only then does the new leader read the topic to its end
 * (committed records only) and act: it sees everything the old leader committed, and nothing it did not.
 *
 * <p>Every instance follows the topic, so that its API shows the current state whether it leads or not.
 */
public final class StateStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StateStore.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

    /** Told when this instance gains or loses the leadership; called on the store's own thread. */
    public interface Listener {
        void leadershipChanged(boolean leader, String why);
    }

    private final StoreSettings settings;
    private final Listener listener;
    private final TopicPartition partition;
    private final Object producerLock = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean suspended;
    private volatile boolean leader;
    private volatile boolean assigned;
    private volatile DrState latest;
    private volatile FailoverLeader announced;
    private volatile Instant leaderSince;
    private volatile String lastProblem;
    private KafkaProducer<String, byte[]> producer;
    private volatile KafkaConsumer<String, byte[]> groupConsumer;
    private volatile KafkaConsumer<String, byte[]> viewConsumer;

    public StateStore(StoreSettings settings, Listener listener) {
        this.settings = settings;
        this.listener = listener;
        this.partition = new TopicPartition(settings.stateTopic(), 0);
        this.thread = new Thread(this::run, "failover-state-" + settings.instanceId());
        this.thread.setDaemon(true);
    }

    /** Makes sure the topic exists (compacted, one partition) and starts following it and seeking leadership. */
    public StateStore start() {
        ensureTopic();
        thread.start();
        return this;
    }

    public boolean isLeader() {
        return leader;
    }

    public Optional<Instant> leaderSince() {
        return Optional.ofNullable(leader ? leaderSince : null);
    }

    /** The newest state this instance knows (its own writes, or what it read), empty before the first. */
    public Optional<DrState> current() {
        return Optional.ofNullable(latest);
    }

    /** The newest leader's announcement (who leads, where its API is), empty before the first. */
    public Optional<FailoverLeader> leaderAnnounced() {
        return Optional.ofNullable(announced);
    }

    public String lastProblem() {
        return lastProblem;
    }

    /**
     * Writes the state and the events that go with it in one transaction; nothing is written unless all is.
     *
     * @throws NotLeader when this instance does not lead, or was fenced by a newer leader (it stops leading)
     */
    public DrState write(DrState next, List<Outgoing<?>> events) {
        synchronized (producerLock) {
            if (!leader || producer == null) {
                throw new NotLeader("instance " + settings.instanceId() + " is not the leader");
            }
            Instant now = Instant.now();
            DrState stamped = next.stamped(settings.instanceId(), now);
            try {
                producer.beginTransaction();
                producer.send(EventRecords.record(settings.stateTopic(), EventTypes.FAILOVER_STATE,
                        stamped.toEvent(), stamped, settings.source(), now));
                for (Outgoing<?> event : events) {
                    producer.send(recordOf(event, now));
                }
                producer.commitTransaction();
                latest = stamped;
                lastProblem = null;
                return stamped;
            } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException fenced) {
                String why = "fenced by a newer leader: " + fenced.getClass().getSimpleName();
                LOG.warnf("instance %s lost the leadership: %s", settings.instanceId(), why);
                dropLeadership(why);
                throw new NotLeader(why);
            } catch (KafkaException e) {
                lastProblem = e.getMessage();
                try {
                    producer.abortTransaction();
                } catch (KafkaException abortFailed) {
                    // The producer is unusable: give up the leadership; a healthy instance takes over.
                    dropLeadership("producer failed: " + abortFailed.getMessage());
                    throw new NotLeader("producer failed: " + abortFailed.getMessage());
                }
                throw new IllegalStateException("could not write the DR state: " + e.getMessage(), e);
            }
        }
    }

    private <T extends EventPayload> org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> recordOf(
            Outgoing<T> event, Instant now) {
        return EventRecords.record(settings.topics().apply(event.type().topic()), event.type(), event.payload(),
                settings.source(), now);
    }

    /** For tests: stop polling, as a paused process would (the group then hands the leadership on). */
    public void suspendPolling(boolean suspend) {
        this.suspended = suspend;
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> g = groupConsumer;
        KafkaConsumer<String, byte[]> v = viewConsumer;
        if (g != null) {
            g.wakeup();
        }
        if (v != null) {
            v.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropLeadership("closing");
    }

    // --- the store's thread ----------------------------------------------------------------------------------------

    private void run() {
        try (KafkaConsumer<String, byte[]> group = new KafkaConsumer<>(groupProperties());
             KafkaConsumer<String, byte[]> view = new KafkaConsumer<>(viewProperties())) {
            groupConsumer = group;
            viewConsumer = view;
            view.assign(List.of(partition));
            view.seekToBeginning(List.of(partition));
            group.subscribe(List.of(settings.stateTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        assigned = false;
                        dropLeadership("the state partition was handed to another instance");
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        assigned = true;
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        assigned = false;
                        dropLeadership("left the group (no poll or no heartbeat in time)");
                    }
                }
            });
            while (running) {
                if (suspended) {
                    sleepQuietly(POLL);
                    continue;
                }
                try {
                    group.poll(POLL);
                    if (assigned && !leader) {
                        becomeLeader(view);
                    }
                    follow(view, POLL);
                } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
                    if (!running) {
                        break;
                    }
                } catch (RuntimeException e) {
                    lastProblem = e.getMessage();
                    LOG.warnf("state store: %s; going on", e.getMessage());
                    sleepQuietly(Duration.ofSeconds(1));
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.errorf(e, "state store thread stopped");
            }
        }
    }

    private void becomeLeader(KafkaConsumer<String, byte[]> view) {
        KafkaProducer<String, byte[]> fresh = new KafkaProducer<>(producerProperties());
        try {
            fresh.initTransactions(); // fences every older producer of this transactional.id
        } catch (KafkaException e) {
            fresh.close(Duration.ZERO);
            throw e;
        }
        // Everything any former leader committed is now below the last stable offset: read up to it.
        long end = view.endOffsets(List.of(partition)).get(partition);
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        while (view.position(partition) < end) {
            if (System.nanoTime() > deadline) {
                fresh.close(Duration.ZERO);
                throw new IllegalStateException("could not read the state topic to its end within " + CATCH_UP_LIMIT);
            }
            follow(view, POLL);
        }
        Instant since = Instant.now();
        announced = settings.apiUrl() == null ? announced : LeaderAnnouncement.publish(fresh, settings, since);
        synchronized (producerLock) {
            producer = fresh;
            leaderSince = since;
            leader = true;
        }
        LOG.infof("instance %s leads (state %s at epoch %s)", settings.instanceId(), settings.stateId(),
                latest == null ? "none yet" : latest.epoch());
        listener.leadershipChanged(true, "assigned the state partition and fenced older producers");
    }

    private void dropLeadership(String why) {
        boolean was;
        synchronized (producerLock) {
            was = leader;
            leader = false;
            if (producer != null) {
                producer.close(Duration.ZERO);
                producer = null;
            }
        }
        if (was) {
            LOG.infof("instance %s no longer leads: %s", settings.instanceId(), why);
            listener.leadershipChanged(false, why);
        }
    }

    private void follow(KafkaConsumer<String, byte[]> view, Duration wait) {
        for (ConsumerRecord<String, byte[]> record : view.poll(wait)) {
            LeaderAnnouncement.read(settings, record).ifPresent(a -> announced = a);
            if (!settings.stateId().equals(record.key()) || record.value() == null) {
                continue;
            }
            if (!EventTypes.FAILOVER_STATE.name().equals(CloudEventHeaders.text(record.headers(), CloudEventHeaders.TYPE))) {
                continue;
            }
            try {
                DrState read = EventJson.mapper().readValue(record.value(), DrState.class);
                synchronized (producerLock) {
                    if (!leader || latest == null || !read.updatedAt().isBefore(latest.updatedAt())) {
                        latest = read;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warnf("state record at offset %d cannot be read: %s", record.offset(), e.getMessage());
            }
        }
    }

    private void ensureTopic() {
        try (CompactedTopic topic = new CompactedTopic(settings.kafka(), settings.stateTopic(),
                "failover-state-" + settings.instanceId())) {
            topic.ensure(Optional.empty());
        }
    }

    /** The service's Kafka settings (security included), which each client extends with its own. */
    private Map<String, Object> common() {
        return new HashMap<>(settings.kafka());
    }

    private Map<String, Object> groupProperties() {
        Map<String, Object> props = common();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "failover-leadership-" + settings.instanceId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        int session = (int) settings.sessionTimeout().toMillis();
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, session / 3));
        // A leader whose thread stalls leaves the group by itself, like one that stops heartbeating.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, session);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // Sticky: an instance joining does not take the lead from a healthy leader.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Map<String, Object> viewProperties() {
        Map<String, Object> props = common();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "failover-state-view-" + settings.instanceId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = common();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "failover-leader-" + settings.instanceId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
