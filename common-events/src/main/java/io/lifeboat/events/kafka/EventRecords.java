package io.lifeboat.events.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.json.EventJson;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * A Lifeboat event as a plain Kafka record, what {@link EventPublisher} produces (CloudEvents binary mode:
 * {@code ce_*} headers, JSON value, key = subject), for producers that cannot go through the messaging channel:
 * failover-service's transactional producer, and tests that play another service.
 */
public final class EventRecords {

    private EventRecords() {
    }

    public static <T extends EventPayload> ProducerRecord<String, byte[]> record(String topic, EventType<T> type,
            T payload, String source, Instant time) {
        return record(topic, type, payload, payload, source, time);
    }

    /**
     * @param body what goes into the value: the payload itself, or a superset of it (the DR state with its
     *             resume data), which readers of {@code type} read as {@code payload} (unknown fields are ignored)
     */
    public static <T extends EventPayload> ProducerRecord<String, byte[]> record(String topic, EventType<T> type,
            T payload, Object body, String source, Instant time) {
        byte[] json;
        try {
            json = EventJson.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + type.name(), e);
        }
        String key = payload.subject();
        RecordHeaders headers = new RecordHeaders();
        header(headers, CloudEventHeaders.SPEC_VERSION, "1.0");
        header(headers, CloudEventHeaders.ID, UUID.randomUUID().toString());
        header(headers, CloudEventHeaders.TYPE, type.name());
        header(headers, CloudEventHeaders.SOURCE, source);
        header(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.atOffset(ZoneOffset.UTC)));
        header(headers, CloudEventHeaders.SUBJECT, key);
        header(headers, CloudEventHeaders.CONTENT_TYPE, "application/json");
        return new ProducerRecord<>(topic, null, key, json, headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
