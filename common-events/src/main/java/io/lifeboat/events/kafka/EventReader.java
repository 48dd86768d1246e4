package io.lifeboat.events.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.json.EventSchemas;
import org.apache.kafka.common.header.Headers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads a Kafka record as a Lifeboat event, or says exactly why it cannot. Pure: no I/O, no state.
 * The checks go from cheap to dear: size, CloudEvents attributes, type and version, JSON, schema, record.
 */
public final class EventReader {

    /** Large enough for any event of the contract, small enough that a runaway producer cannot hurt a consumer. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

    private final int maxPayloadBytes;

    public EventReader(int maxPayloadBytes) {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive, was " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Event<?> read(Headers headers, byte[] value) throws UnreadableEvent {
        if (value == null) {
            throw new UnreadableEvent("no payload (a tombstone or an empty record)");
        }
        if (value.length > maxPayloadBytes) {
            throw new UnreadableEvent("payload of " + value.length + " bytes is over the limit of " + maxPayloadBytes + " bytes");
        }
        String typeName = CloudEventHeaders.text(headers, CloudEventHeaders.TYPE);
        if (typeName == null) {
            throw new UnreadableEvent("not a CloudEvent: header " + CloudEventHeaders.TYPE + " is missing");
        }
        EventType<?> type = EventTypes.byName(typeName).orElseThrow(() -> unknownType(typeName));
        String id = required(headers, CloudEventHeaders.ID);
        String source = required(headers, CloudEventHeaders.SOURCE);
        String specVersion = required(headers, CloudEventHeaders.SPEC_VERSION);
        if (!"1.0".equals(specVersion)) {
            throw new UnreadableEvent("unsupported CloudEvents spec version '" + specVersion + "' (expected 1.0)");
        }
        Instant time = time(CloudEventHeaders.text(headers, CloudEventHeaders.TIME));
        return read(type, id, source, time, value);
    }

    private static <T extends EventPayload> Event<T> read(EventType<T> type, String id, String source, Instant time,
            byte[] value) throws UnreadableEvent {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(value);
        } catch (JacksonException e) {
            throw new UnreadableEvent("payload of " + type.name() + " is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new UnreadableEvent("payload of " + type.name() + " cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new UnreadableEvent("payload of " + type.name() + " is not a JSON object");
        }
        List<String> problems = EventSchemas.problems(type, json);
        if (!problems.isEmpty()) {
            throw new UnreadableEvent("payload does not match the schema of " + type.name() + ": " + String.join("; ", problems));
        }
        try {
            T payload = EventJson.mapper().treeToValue(json, type.payloadClass());
            return new Event<>(id, type, source, time, payload);
        } catch (JacksonException e) {
            throw new UnreadableEvent("payload of " + type.name() + " does not map to its record: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static UnreadableEvent unknownType(String typeName) {
        String family = EventType.familyOf(typeName);
        if (family != null && EventTypes.knowsFamily(family)) {
            return new UnreadableEvent("unknown version of event type: " + typeName);
        }
        return new UnreadableEvent("unknown event type: " + typeName);
    }

    private static String required(Headers headers, String name) throws UnreadableEvent {
        String value = CloudEventHeaders.text(headers, name);
        if (value == null || value.isBlank()) {
            throw new UnreadableEvent("not a CloudEvent: header " + name + " is missing");
        }
        return value;
    }

    private static Instant time(String text) throws UnreadableEvent {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new UnreadableEvent("header " + CloudEventHeaders.TIME + " is not an RFC 3339 time: " + text);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
