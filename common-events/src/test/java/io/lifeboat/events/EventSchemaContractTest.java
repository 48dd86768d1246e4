package io.lifeboat.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.json.EventSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The JSON Schemas shipped in the jar and the Java records say the same thing: every type has a schema, every
 * full sample conforms and reads back equal, every required field is really required, and every schema describes
 * its record's fields with their JSON types, enums and formats.
 */
class EventSchemaContractTest {

    private static final ObjectMapper MAPPER = EventJson.mapper();
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    static Stream<EventType<?>> types() {
        return EventTypes.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void fullSampleConformsAndReadsBackEqual(EventType<?> type) throws IOException {
        EventPayload sample = sample(type);
        JsonNode json = MAPPER.valueToTree(sample);

        assertThat(EventSchemas.problems(type, json)).as("schema problems of the sample of %s", type.name()).isEmpty();
        assertThat(MAPPER.readValue(MAPPER.writeValueAsBytes(sample), type.payloadClass()))
                .as("%s read back", type.name()).isEqualTo(sample);
        assertThat(sample.subject()).as("the Kafka key of the sample of %s", type.name()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void sampleIsFull(EventType<?> type) {
        JsonNode json = MAPPER.valueToTree(sample(type));
        List<String> components = Arrays.stream(type.payloadClass().getRecordComponents()).map(RecordComponent::getName).toList();
        assertThat(fieldNames(json)).as("fields written for the sample of %s (a sample sets every field)", type.name())
                .containsExactlyInAnyOrderElementsOf(components);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void removingARequiredFieldIsRejectedNamingTheField(EventType<?> type) {
        JsonNode schema = schemaJson(type);
        JsonNode json = MAPPER.valueToTree(sample(type));
        List<String> requiredPaths = new ArrayList<>();
        collectRequired(schema, schema, json, "", requiredPaths);
        assertThat(requiredPaths).as("required fields of %s", type.name()).isNotEmpty();

        for (String path : requiredPaths) {
            ObjectNode copy = json.deepCopy();
            int slash = path.lastIndexOf('/');
            String field = path.substring(slash + 1);
            JsonNode parent = slash == 0 ? copy : copy.at(path.substring(0, slash));
            assertThat(parent.has(field)).as("the sample of %s has %s", type.name(), path).isTrue();
            ((ObjectNode) parent).remove(field);

            assertThat(EventSchemas.problems(type, copy))
                    .as("problems of %s without %s", type.name(), path)
                    .isNotEmpty()
                    .anySatisfy(problem -> assertThat(problem).contains(field));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void optionalFieldsMayBeLeftOutAndUnknownFieldsAreAccepted(EventType<?> type) throws IOException {
        JsonNode schema = schemaJson(type);
        ObjectNode json = MAPPER.valueToTree(sample(type));
        Set<String> required = strings(schema.path("required"));
        fieldNames(json).stream().filter(f -> !required.contains(f)).forEach(json::remove);
        json.put("aFieldFromALaterProducer", "ignored by this reader");
        json.putObject("anotherLaterField").put("nested", 1);

        assertThat(EventSchemas.problems(type, json)).as("problems of the minimal %s with unknown fields", type.name()).isEmpty();
        EventPayload read = MAPPER.treeToValue(json, type.payloadClass());
        assertThat(read.subject()).isEqualTo(sample(type).subject());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void schemaIsWellFormedAndDocumented(EventType<?> type) {
        JsonNode schema = schemaJson(type);
        assertThat(schema.path("$schema").asText()).isEqualTo(DRAFT_2020_12);
        assertThat(schema.path("$id").asText()).isEqualTo("https://lifeboat.io/schemas/" + type.name() + ".json");
        assertThat(schema.path("title").asText()).as("title of %s", type.name()).isNotBlank();
        assertThat(schema.path("description").asText()).as("description of %s", type.name()).isNotBlank();
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").asBoolean(false))
                .as("%s must accept fields added later (additionalProperties: true)", type.name()).isTrue();
        assertThat(strings(schema.path("required"))).as("required fields of %s are properties", type.name())
                .isSubsetOf(fieldNames(schema.path("properties")));
        schema.path("properties").properties().forEach(p ->
                assertThat(p.getValue().path("description").asText()).as("description of %s.%s", type.name(), p.getKey()).isNotBlank());
        assertThat(EventSchemas.of(type)).as("the validator loads the schema of %s", type.name()).isNotNull();
    }

    /** The schema describes exactly the record's fields, with their JSON types, enum values and formats. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void schemaDescribesTheRecord(EventType<?> type) {
        JsonNode schema = schemaJson(type);
        describes(schema, schema, type.payloadClass(), type.name());
    }

    @Test
    void everyTypeHasASampleAndASchemaAndEverySchemaHasAType() throws IOException, URISyntaxException {
        Set<String> typeNames = EventTypes.all().stream().map(EventType::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(typeNames).as("type names are unique").hasSize(EventTypes.all().size());
        assertThat(SampleEvents.all().keySet()).as("types with a sample").containsExactlyInAnyOrderElementsOf(EventTypes.all());

        Set<String> schemaFiles = schemaResourceNames();
        Set<String> expected = typeNames.stream().map(n -> n + ".json").collect(Collectors.toCollection(TreeSet::new));
        assertThat(schemaFiles).as("schema files without a type").isSubsetOf(expected);
        assertThat(expected).as("types without a schema file").isSubsetOf(schemaFiles);
        for (EventType<?> type : EventTypes.all()) {
            assertThat(type.schemaResource()).isEqualTo("/schemas/" + type.name() + ".json");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static EventPayload sample(EventType<?> type) {
        return SampleEvents.of(type).orElseGet(() -> fail("SampleEvents has no sample of " + type.name()
                + ": add a full one, so that its schema is tested"));
    }

    private static JsonNode schemaJson(EventType<?> type) {
        try (InputStream in = EventSchemaContractTest.class.getResourceAsStream(type.schemaResource())) {
            assertThat(in).as("schema resource %s", type.schemaResource()).isNotNull();
            JsonNode schema = MAPPER.readTree(in);
            assertThat(schema).as("schema of %s", type.name()).isNotNull();
            assertThat(schema.isObject()).as("schema of %s is a JSON object", type.name()).isTrue();
            return schema;
        } catch (IOException e) {
            throw new AssertionError("the schema of " + type.name() + " does not parse: " + e.getMessage(), e);
        }
    }

    /** JSON pointers of every required field present in the sample, nested objects included. */
    private static void collectRequired(JsonNode root, JsonNode schema, JsonNode value, String at, List<String> out) {
        JsonNode resolved = resolve(root, schema);
        if (!value.isObject()) {
            return;
        }
        strings(resolved.path("required")).forEach(f -> out.add(at + "/" + f));
        resolved.path("properties").properties().forEach(p -> {
            if (value.has(p.getKey())) {
                collectRequired(root, p.getValue(), value.get(p.getKey()), at + "/" + p.getKey(), out);
            }
        });
    }

    private static JsonNode resolve(JsonNode root, JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        assertThat(ref.asText()).as("only local references").startsWith("#/");
        JsonNode target = root.at(ref.asText().substring(1));
        assertThat(target.isMissingNode()).as("reference %s resolves", ref.asText()).isFalse();
        return target;
    }

    private static void describes(JsonNode root, JsonNode schema, Class<?> record, String where) {
        JsonNode resolved = resolve(root, schema);
        assertThat(resolved.path("type").asText()).as("%s is an object", where).isEqualTo("object");
        RecordComponent[] components = record.getRecordComponents();
        assertThat(fieldNames(resolved.path("properties"))).as("properties of %s against record %s", where, record.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(components).map(RecordComponent::getName).toList());
        Set<String> required = strings(resolved.path("required"));
        for (RecordComponent c : components) {
            String field = where + "." + c.getName();
            JsonNode property = resolve(root, resolved.path("properties").path(c.getName()));
            Class<?> t = c.getType();
            if (t.isPrimitive()) {
                assertThat(required).as("%s is a primitive, always written: it must be required", field).contains(c.getName());
            }
            if (t == String.class) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("string");
            } else if (t == long.class || t == int.class || t == Long.class || t == Integer.class) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("integer");
            } else if (t == double.class || t == Double.class) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("number");
            } else if (t == boolean.class || t == Boolean.class) {
                assertThat(flagType(property, field)).as(field).isEqualTo("boolean");
            } else if (t == Instant.class) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("string");
                assertThat(property.path("format").asText()).as("format of %s", field).isEqualTo("date-time");
            } else if (t.isEnum()) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("string");
                assertThat(strings(property.path("enum"))).as("enum of %s against %s", field, t.getSimpleName())
                        .containsExactlyInAnyOrderElementsOf(Arrays.stream(t.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList());
            } else if (Map.class.isAssignableFrom(t)) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("object");
                assertThat(typeArgument(c, 1)).as("values of %s", field).isEqualTo(String.class);
                assertThat(property.path("additionalProperties").path("type").asText()).as("values of %s", field).isEqualTo("string");
            } else if (Collection.class.isAssignableFrom(t)) {
                assertThat(property.path("type").asText()).as(field).isEqualTo("array");
                assertThat(typeArgument(c, 0)).as("items of %s", field).isEqualTo(String.class);
                assertThat(property.path("items").path("type").asText()).as("items of %s", field).isEqualTo("string");
            } else if (t.isRecord()) {
                describes(root, property, t, field);
            } else {
                fail("no JSON mapping known for " + field + " of Java type " + t.getName() + ": extend this test");
            }
        }
    }

    /**
     * A flag's JSON type: "boolean", or boolean beside the strings "true"/"false" that producers wrote before the
     * field was typed (so that their messages still pass the schema).
     */
    private static String flagType(JsonNode property, String field) {
        if (!property.path("type").isArray()) {
            return property.path("type").asText();
        }
        assertThat(strings(property.path("type"))).as("types of %s", field).containsExactlyInAnyOrder("boolean", "string");
        assertThat(property.path("pattern").asText()).as("the strings %s may be", field).isEqualTo("^(true|false)$");
        return "boolean";
    }

    private static Type typeArgument(RecordComponent c, int index) {
        return ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[index];
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The file names under {@code /schemas} on the class path (a directory in the build, a jar entry otherwise). */
    private static Set<String> schemaResourceNames() throws IOException, URISyntaxException {
        URL url = EventSchemas.class.getResource("/schemas");
        assertThat(url).as("/schemas on the class path").isNotNull();
        URI uri = url.toURI();
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                return list(fs.getPath("/schemas"));
            }
        }
        return list(Path.of(uri));
    }

    private static Set<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
