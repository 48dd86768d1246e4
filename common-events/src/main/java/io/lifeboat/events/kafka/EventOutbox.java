package io.lifeboat.heartbeat.service;

import io.lifeboat.events.retry.Backoff;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.kafka.EventPublisher;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Verdict and alert events must not be lost while the broker is away, and must not hold up the verdict logic
 * either: they queue here and one thread publishes them in order, retrying with backoff until the broker takes
 * each. (Heartbeats do not come here: a late heartbeat is worth nothing, the next round replaces it.)
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

    public <T extends EventPayload> void publish(EventType<T> type, T payload) {
        if (!queue.offer(new Pending(type, payload))) {
            LOG.errorf("event outbox full (%d events waiting for the broker): dropped %s about %s", CAPACITY,
                    type.name(), payload.subject());
        }
    }

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
