package io.lifeboat.events.kafka;

import io.lifeboat.events.retry.Backoff;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The reliable publisher, and its one behaviour when Kafka refuses: an event that reports a condition (a verdict,
 * an alert, a link's state, a mirror's outcome) must not be lost while the broker is away, and must not hold up the
 * thread that found it either. It queues here and one thread ({@code event-outbox}) publishes the queue in order,
 * up to 100 events in flight at once, retrying what the broker refused with the shared {@link Backoff} (0.2 s
 * doubling to 10 s) until it takes it, in their order, after those it took, each key's later events sent again
 * behind it ({@link #toRetry}). What is lost: the queue if the process dies (a condition is found again from the
 * state after a restart), events past {@value #CAPACITY} waiting, each dropped with an ERROR line naming it, and an
 * event the broker can never take (too large, not serialisable), dropped the same way rather than holding up the
 * queue for ever.
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
    /** At most this many events in flight at once (the channel's buffer is larger). */
    private static final int BATCH = 100;
    /** As long as the producer's own delivery timeout, past which a send has failed anyway. */
    private static final Duration AWAIT = Duration.ofSeconds(130);

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

    private void drain() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            // What waits is sent together and acknowledged together: one event at a time would bound the rate of
            // events to one broker round trip each, and a mirror of small files reports hundreds a second.
            queue.drainTo(batch, BATCH - 1);
            if (!publish(batch)) {
                return;
            }
            batch.clear();
        }
    }

    /** Publishes the batch until the broker has taken all of it; false when told to stop. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean publish(List<Pending> batch) {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        List<Pending> unsent = batch;
        while (running) {
            List<CompletableFuture<?>> sent = new ArrayList<>(unsent.size());
            for (Pending p : unsent) {
                sent.add(publisher.publish((EventType) p.type(), p.payload()).subscribeAsCompletionStage());
            }
            boolean[] refused = new boolean[sent.size()];
            String problem = null;
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return false;
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (neverTaken(cause)) {
                        // Retried, it would be refused for ever and hold up every event behind it.
                        LOG.errorf("dropped %s about %s: the broker will never take it (%s)",
                                unsent.get(i).type().name(), unsent.get(i).payload().subject(), cause.toString());
                    } else {
                        refused[i] = true;
                        problem = cause.getMessage();
                    }
                }
            }
            List<Pending> failed = toRetry(unsent, refused, p -> p.type().topic() + "/" + p.payload().subject());
            if (failed.isEmpty()) {
                return true;
            }
            Pending first = failed.get(0);
            LOG.warnf("cannot publish %d events (first %s about %s) yet (%s); retrying in %d ms", failed.size(),
                    first.type().name(), first.payload().subject(), problem, backoff.current().toMillis());
            if (!backoff.pause()) {
                return false;
            }
            unsent = failed;
        }
        return false;
    }

    /**
     * What to send again after a batch the broker took in part: every refused event, and with it every later event of
     * the same topic and key, taken or not. The broker may take an event after refusing an earlier one of the same
     * key; sent again behind the retried one, it is again the last of its key, so a reader that keeps the latest
     * (a compacted topic, a state table) ends where the service did. Pure; order kept.
     */
    static <T> List<T> toRetry(List<T> batch, boolean[] refused, Function<T, String> orderKey) {
        List<T> retry = new ArrayList<>();
        Set<String> behindARefusal = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            String key = orderKey.apply(batch.get(i));
            if (refused[i] || behindARefusal.contains(key)) {
                retry.add(batch.get(i));
                behindARefusal.add(key);
            }
        }
        return retry;
    }

    /** A refusal that no retry will change: the event could not be serialised, or is larger than the broker takes. */
    private static boolean neverTaken(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException
                    || t instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    @PreDestroy
    void stop() {
        running = false;
        worker.interrupt();
    }
}
