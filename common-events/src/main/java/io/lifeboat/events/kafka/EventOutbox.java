package io.lifeboat.events.kafka;

import io.lifeboat.events.retry.Backoff;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The reliable publisher, and its one behaviour when Kafka refuses: an event that reports a condition (a verdict,
 * an alert, a link's state, a mirror's outcome) must not be lost while the broker is away, and must not hold up the
 * thread that found it either. It queues here and one thread ({@code event-outbox}) publishes the queue in order,
 * retrying each event with the shared {@link Backoff} (0.2 s doubling to 10 s) until the broker takes it. What is
 * lost: the queue if the process dies (a condition is found again from the state after a restart), and events past
 * {@value #CAPACITY} waiting, each dropped with an ERROR line naming it.
 *
 * <p>Not here: a measurement that the next one replaces (heartbeats, lag samples) goes through
 * {@link EventPublisher#publish} and is dropped when it fails; an answer whose sender must know it arrived (a
 * command's result) uses {@link EventPublisher#publishAndAwait}, which throws; failover's state and its events go in
 * one Kafka transaction.
 */
@ApplicationScoped
public class EventOutbox {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class);
    private static final int CAPACITY = 10_000;

    private record Pending(EventType<?> type, EventPayload payload) {
    }

    private final EventPublisher publisher;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread worker;
    private volatile boolean running = true;

    EventOutbox(EventPublisher publisher) {
        this.publisher = publisher;
        this.worker = new Thread(this::drain, "event-outbox");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues the event; returns at once. */
    public <T extends EventPayload> void publish(EventType<T> type, T payload) {
        if (!queue.offer(new Pending(type, payload))) {
            LOG.errorf("event outbox full (%d events waiting for the broker): dropped %s about %s", CAPACITY,
                    type.name(), payload.subject());
        }
    }

    /** How many events wait for the broker (a gauge for the metrics, a figure for tests). */
    public int waiting() {
        return queue.size();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void drain() {
        while (running) {
            Pending next;
            try {
                next = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                continue;
            }
            Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
            while (running) {
                try {
                    publisher.publishAndAwait((EventType) next.type(), next.payload());
                    break;
                } catch (RuntimeException e) {
                    LOG.warnf("cannot publish %s about %s yet (%s); retrying in %d ms", next.type().name(),
                            next.payload().subject(), e.getMessage(), backoff.current().toMillis());
                    if (!backoff.pause()) {
                        return;
                    }
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        worker.interrupt();
    }
}
