package io.lifeboat.heartbeat.testing;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.kafka.EventRecords;
import io.lifeboat.heartbeat.config.TargetSpec;
import io.lifeboat.heartbeat.probe.ObserverIdentity;
import io.lifeboat.heartbeat.probe.ProbeRunner;
import io.lifeboat.heartbeat.probe.Probes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Another observer, in the test: the service's own probe code, publishing heartbeats through the real broker as a
 * heartbeat-service instance does (CloudEvents binary mode, keyed by site).
 */
public final class TestObserver implements AutoCloseable {

    private final ProbeRunner runner;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-observer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong published = new AtomicLong();

    public TestObserver(String bootstrap, String observerId, String location, List<TargetSpec> targets) {
        this(bootstrap, "lifeboat.heartbeats", observerId, location, targets);
    }

    public TestObserver(String bootstrap, String topic, String observerId, String location, List<TargetSpec> targets) {
        this.topic = topic;
        this.producer = producer(bootstrap);
        this.runner = new ProbeRunner(Probes.of(targets), new ObserverIdentity(observerId, location), this::publish,
                Clock.systemUTC());
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    public TestObserver every(Duration interval) {
        rounds.scheduleAtFixedRate(runner::runRound, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public long published() {
        return published.get();
    }

    private void publish(HeartbeatObserved heartbeat) {
        producer.send(record(topic, heartbeat), (meta, error) -> {
            if (error == null) {
                published.incrementAndGet();
            }
        });
    }

    /** A heartbeat exactly as EventPublisher writes it. */
    public static ProducerRecord<String, byte[]> record(String topic, HeartbeatObserved heartbeat) {
        return EventRecords.record(topic, EventTypes.HEARTBEAT_OBSERVED, heartbeat, "/lifeboat/heartbeat-service/test",
                Instant.now());
    }

    /** Goes silent, as an observer that crashed or lost its network. */
    public void stop() {
        rounds.shutdownNow();
    }

    @Override
    public void close() {
        stop();
        runner.close();
        producer.close(Duration.ofSeconds(5));
    }
}
