package io.lifeboat.events.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.service.ServiceIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The one way a service publishes an event: a CloudEvent in binary mode, on its type's topic, keyed by its subject.
 * Every type goes through one channel ({@code lifeboat-out}); the topic is chosen per message.
 */
@ApplicationScoped
public class EventPublisher {

    /** Longer than the producer's own delivery timeout would be pointless: past it the send has failed anyway. */
    private static final Duration AWAIT = Duration.ofSeconds(130);

    private final MutinyEmitter<byte[]> out;
    private final TopicNames topics;
    private final ServiceIdentity identity;

    EventPublisher(@Channel("lifeboat-out") MutinyEmitter<byte[]> out, TopicNames topics, ServiceIdentity identity) {
        this.out = out;
        this.topics = topics;
        this.identity = identity;
    }

    /** Publishes and completes when the broker has acknowledged it. */
    public <T extends EventPayload> Uni<Event<T>> publish(EventType<T> type, T payload) {
        Event<T> event = new Event<>(UUID.randomUUID().toString(), type, identity.eventSource(), Instant.now(), payload);
        return publish(event);
    }

    public <T extends EventPayload> Uni<Event<T>> publish(Event<T> event) {
        byte[] json;
        try {
            json = EventJson.mapper().writeValueAsBytes(event.payload());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("cannot serialise " + event.type().name(), e));
        }
        Message<byte[]> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(topics.of(event.type().topic()))
                        .withKey(event.key())
                        .build())
                .addMetadata(OutgoingCloudEventMetadata.builder()
                        .withId(event.id())
                        .withType(event.type().name())
                        .withSource(URI.create(event.source()))
                        .withSubject(event.key())
                        .withTimestamp(event.time().atZone(ZoneOffset.UTC))
                        .withDataContentType("application/json")
                        .build());
        return out.sendMessage(message).replaceWith(event);
    }

    /** For worker threads only: blocks until the broker has acknowledged the event. */
    public <T extends EventPayload> Event<T> publishAndAwait(EventType<T> type, T payload) {
        return publish(type, payload).await().atMost(AWAIT);
    }
}
