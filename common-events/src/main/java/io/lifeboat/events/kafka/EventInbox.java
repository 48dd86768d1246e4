package io.lifeboat.events.kafka;

import io.lifeboat.events.service.LifeboatConfig;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.retry.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The one way every consumer reads events. A record that cannot be read (not JSON, not a CloudEvent, unknown type
 * or version, a required field missing, over the size limit) goes to the dead-letter topic with the reason before the
 * consumer moves past it: one bad record never stops a consumer, and nothing is dropped silently. A well-formed event
 * of a type this consumer has no use for (topics such as {@code lifeboat.events} carry many types) is passed over.
 *
 * <p>Consumers take {@code ConsumerRecord<String, byte[]>} on a blocking method and call {@link #open}.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);

    private final EventReader reader;
    private final DeadLetters deadLetters;

    EventInbox(LifeboatConfig config, DeadLetters deadLetters) {
        this.reader = new EventReader(config.events().maxPayloadBytes());
        this.deadLetters = deadLetters;
    }

    /**
     * The event in the record; empty when it was unreadable and is now safely in the dead-letter topic, or when it
     * is of a type this consumer does not take.
     *
     * @param accepted the types this consumer handles
     */
    public Optional<Event<?>> open(ConsumerRecord<String, byte[]> record, Set<EventType<?>> accepted) {
        try {
            Event<?> event = reader.read(record.headers(), record.value());
            if (!accepted.contains(event.type())) {
                LOG.tracef("passing over %s at %s-%d@%d: not a type this consumer takes", event.type().name(),
                        record.topic(), record.partition(), record.offset());
                return Optional.empty();
            }
            return Optional.of(event);
        } catch (UnreadableEvent unreadable) {
            deadLetter(record, unreadable.reason());
            return Optional.empty();
        }
    }

    /** The same for a consumer of one type. */
    @SuppressWarnings("unchecked")
    public <T extends EventPayload> Optional<Event<T>> open(ConsumerRecord<String, byte[]> record, EventType<T> type) {
        return open(record, Set.of(type)).map(event -> (Event<T>) event);
    }

    /**
     * Blocks until the dead letter is written: the record's offset must not be committed before it is safe, and a
     * broker that is away for a while must not turn into a lost record.
     */
    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("unreadable record %s-%d@%d sent to the dead-letter topic: %s", record.topic(), record.partition(),
                record.offset(), reason);
        Backoff backoff = new Backoff(FIRST_RETRY, LAST_RETRY);
        while (true) {
            try {
                deadLetters.send(record, reason).await().atMost(Duration.ofSeconds(130));
                return;
            } catch (RuntimeException e) {
                LOG.errorf("cannot write to the dead-letter topic yet (%s); retrying in %d ms", e.getMessage(),
                        backoff.current().toMillis());
                if (!backoff.pause()) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing a dead letter");
                }
            }
        }
    }
}
