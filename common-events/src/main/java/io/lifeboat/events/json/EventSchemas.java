package io.lifeboat.events.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.lifeboat.events.EventType;
import io.lifeboat.events.EventTypes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The JSON Schema of every event type, as shipped in this jar under {@code /schemas/<type>.json}. */
public final class EventSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** Formats are checked, not only annotated: a time that is not RFC 3339 is a schema problem. */
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    public static JsonSchema of(EventType<?> type) {
        return SCHEMAS.computeIfAbsent(type.name(), name -> load(type));
    }

    /** The problems of a payload against its type's schema, each as a readable line; empty when it conforms. */
    public static List<String> problems(EventType<?> type, JsonNode payload) {
        Set<ValidationMessage> messages = of(type).validate(payload);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** Loads every schema once, so that a missing or broken schema shows at start and not on the first event. */
    public static void preload() {
        EventTypes.all().forEach(EventSchemas::of);
    }

    private static JsonSchema load(EventType<?> type) {
        try (InputStream in = EventSchemas.class.getResourceAsStream(type.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("no JSON schema for " + type.name() + " at " + type.schemaResource());
            }
            return FACTORY.getSchema(EventJson.mapper().readTree(in), CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JSON schema of " + type.name(), e);
        }
    }
}
