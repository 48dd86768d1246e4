package io.lifeboat.replication.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Debezium's records as JSON without schemas, written straight from the Connect {@link Struct}s with a streaming
 * generator: the same bytes as Kafka Connect's {@code JsonConverter} ({@code schemas.enable=false}, decimals as
 * base64) for every type, without building a {@code JsonNode} tree per change first (that tree was a third of the
 * capture's allocation). One difference, on purpose: a NULL is written as null, never as the column's default
 * ({@code JsonConverter} replaces a null by the schema's default unless {@code replace.null.with.default=false},
 * which would turn an explicit NULL in a column with a DEFAULT into that default at the target).
 */
final class ConnectJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The capture's handler thread writes every change through one buffer: only the result is allocated. */
    private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));

    private ConnectJson() {
    }

    /** @return null for a null value (a tombstone) */
    static byte[] write(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream buffer = BUFFER.get();
        buffer.reset();
        try (JsonGenerator out = FACTORY.createGenerator(buffer)) {
            write(out, schema, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = buffer.toByteArray();
        if (bytes.length > 1 << 20) {
            BUFFER.remove(); // one huge row's buffer is not kept for good
        }
        return bytes;
    }

    private static void write(JsonGenerator out, Schema schema, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
            return;
        }
        if (schema == null) {
            writeSchemaless(out, value);
            return;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    out.writeBinary(Decimal.fromLogical(schema, (BigDecimal) value));
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    out.writeNumber(Date.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    out.writeNumber(Time.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Timestamp.LOGICAL_NAME -> {
                    out.writeNumber(Timestamp.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                default -> {
                    // Debezium's own semantic types (io.debezium.time.*, ...) are plain Connect types underneath
                }
            }
        }
        switch (schema.type()) {
            case INT8 -> out.writeNumber((Byte) value);
            case INT16 -> out.writeNumber((Short) value);
            case INT32 -> out.writeNumber((Integer) value);
            case INT64 -> out.writeNumber((Long) value);
            case FLOAT32 -> out.writeNumber((Float) value);
            case FLOAT64 -> out.writeNumber((Double) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case STRING -> out.writeString(((CharSequence) value).toString());
            case BYTES -> writeBytes(out, value);
            case ARRAY -> {
                out.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    write(out, schema.valueSchema(), element);
                }
                out.writeEndArray();
            }
            case MAP -> {
                Map<?, ?> map = (Map<?, ?>) value;
                if (schema.keySchema().type() == Schema.Type.STRING) {
                    out.writeStartObject();
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        out.writeFieldName((String) entry.getKey());
                        write(out, schema.valueSchema(), entry.getValue());
                    }
                    out.writeEndObject();
                } else {
                    out.writeStartArray();
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        out.writeStartArray();
                        write(out, schema.keySchema(), entry.getKey());
                        write(out, schema.valueSchema(), entry.getValue());
                        out.writeEndArray();
                    }
                    out.writeEndArray();
                }
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (!sameSchema(struct.schema(), schema)) {
                    throw new DataException("mismatching schema for a struct");
                }
                out.writeStartObject();
                for (Field field : schema.fields()) {
                    out.writeFieldName(field.name());
                    write(out, field.schema(), struct.getWithoutDefault(field.name()));
                }
                out.writeEndObject();
            }
            default -> throw new DataException("cannot write Connect type " + schema.type() + " as JSON");
        }
    }

    /**
     * Pairs of distinct but equal schema instances already compared (Debezium builds the source block's struct and
     * the envelope's field schema separately): {@code ConnectSchema.equals} walks every field and parameter, and was
     * 6 % of the capture's handler thread when run per change. Keyed by identity; bounded (schemas only change with
     * the tables).
     */
    private static final Map<Schema, Schema> EQUAL_SCHEMAS =
            Collections.synchronizedMap(new IdentityHashMap<>());

    private static boolean sameSchema(Schema actual, Schema expected) {
        if (actual == expected || EQUAL_SCHEMAS.get(actual) == expected) {
            return true;
        }
        if (!actual.equals(expected)) {
            return false;
        }
        if (EQUAL_SCHEMAS.size() > 1_000) {
            EQUAL_SCHEMAS.clear();
        }
        EQUAL_SCHEMAS.put(actual, expected);
        return true;
    }

    private static void writeBytes(JsonGenerator out, Object value) throws IOException {
        if (value instanceof byte[] bytes) {
            out.writeBinary(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            out.writeBinary(bytes);
        } else {
            throw new DataException("bytes value of type " + value.getClass().getName());
        }
    }

    /** Values without a schema (Debezium does not produce them; kept for completeness, as JsonConverter). */
    private static void writeSchemaless(JsonGenerator out, Object value) throws IOException {
        if (value instanceof Struct struct) {
            write(out, struct.schema(), struct);
        } else if (value instanceof Byte b) {
            out.writeNumber(b);
        } else if (value instanceof Short n) {
            out.writeNumber(n);
        } else if (value instanceof Integer n) {
            out.writeNumber(n);
        } else if (value instanceof Long n) {
            out.writeNumber(n);
        } else if (value instanceof Float n) {
            out.writeNumber(n);
        } else if (value instanceof Double n) {
            out.writeNumber(n);
        } else if (value instanceof BigDecimal n) {
            out.writeNumber(n);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof CharSequence text) {
            out.writeString(text.toString());
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            writeBytes(out, value);
        } else if (value instanceof Collection<?> collection) {
            out.writeStartArray();
            for (Object element : collection) {
                write(out, null, element);
            }
            out.writeEndArray();
        } else if (value instanceof Map<?, ?> map) {
            if (map.keySet().stream().allMatch(k -> k instanceof String)) {
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.writeFieldName((String) entry.getKey());
                    write(out, null, entry.getValue());
                }
                out.writeEndObject();
            } else {
                out.writeStartArray();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.writeStartArray();
                    write(out, null, entry.getKey());
                    write(out, null, entry.getValue());
                    out.writeEndArray();
                }
                out.writeEndArray();
            }
        } else {
            throw new DataException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }
}
