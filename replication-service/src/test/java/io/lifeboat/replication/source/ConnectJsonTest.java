package io.lifeboat.replication.source;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The change topics' bytes stay exactly what Kafka Connect's JsonConverter (schemas off) wrote before. */
class ConnectJsonTest {

    private static final Schema ROW = SchemaBuilder.struct().name("bench.events.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
            .field("n", Schema.OPTIONAL_INT32_SCHEMA)
            .field("real", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("dbl", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("nan", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("buffer", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("labels", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("pairs", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("amount", Decimal.builder(2).optional().build())
            .field("day", Date.builder().optional().build())
            .field("at", Time.builder().optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("micros", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("missing", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("bench.events.Envelope")
            .field("before", SchemaBuilder.struct().name("bench.events.Value").optional()
                    .field("id", Schema.INT64_SCHEMA).build())
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    @Test
    void sameBytesAsJsonConverterForEveryType() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("a", "1");
        labels.put("b", null);
        Map<Integer, String> pairs = new LinkedHashMap<>();
        pairs.put(1, "one");
        pairs.put(2, "two");
        Struct row = new Struct(ROW).put("id", 42L).put("small", (short) -3).put("tiny", (byte) 7).put("n", 1_000_000)
                .put("real", 1.5f).put("dbl", 0.1 + 0.2).put("nan", Double.NaN).put("flag", true)
                .put("text", "quote \" backslash \\ tab \t newline \n ünïcödé \u0001 end")
                .put("bytes", "__debezium_unavailable_value".getBytes(StandardCharsets.UTF_8))
                .put("buffer", ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}))
                .put("tags", List.of("x", "y")).put("labels", labels).put("pairs", pairs)
                .put("amount", new BigDecimal("-12345.67")).put("day", new java.util.Date(86_400_000L * 19_000))
                .put("at", new java.util.Date(3_600_000L)).put("ts", new java.util.Date(1_700_000_000_123L))
                .put("micros", 1_700_000_000_123_456L);
        Struct envelope = new Struct(ENVELOPE).put("after", row).put("op", "c");
        Struct key = new Struct(SchemaBuilder.struct().name("bench.events.Key").field("id", Schema.INT64_SCHEMA).build())
                .put("id", 42L);

        assertThat(new String(ConnectJson.write(ENVELOPE, envelope), StandardCharsets.UTF_8))
                .isEqualTo(new String(converter(false).fromConnectData("t", ENVELOPE, envelope), StandardCharsets.UTF_8));
        assertThat(ConnectJson.write(key.schema(), key)).isEqualTo(converter(true).fromConnectData("t", key.schema(), key));
        assertThat(ConnectJson.write(ENVELOPE, null)).isNull();
    }

    @Test
    void aNullStaysNullAlsoWhereTheColumnHasADefault() {
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("status", SchemaBuilder.string().optional().defaultValue("new").build()).build();
        Struct row = new Struct(schema).put("id", 1L).put("status", null);
        // JsonConverter (replace.null.with.default=true by default) would write "new": the target must get NULL.
        assertThat(new String(ConnectJson.write(schema, row), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":1,\"status\":null}");
    }

    @Test
    void aStructOfAnEqualSchemaInstanceIsWrittenAndOneOfAnotherSchemaIsRefused() {
        // Debezium builds the source block's schema apart from the envelope's field schema: equal, not identical.
        Schema declared = SchemaBuilder.struct().name("source").field("lsn", Schema.INT64_SCHEMA).build();
        Schema equalCopy = SchemaBuilder.struct().name("source").field("lsn", Schema.INT64_SCHEMA).build();
        Schema other = SchemaBuilder.struct().name("source").field("txId", Schema.INT64_SCHEMA).build();
        for (long lsn = 1; lsn <= 2; lsn++) { // the second time through the remembered pair
            assertThat(new String(ConnectJson.write(declared, new Struct(equalCopy).put("lsn", lsn)),
                    StandardCharsets.UTF_8)).isEqualTo("{\"lsn\":" + lsn + "}");
        }
        assertThatThrownBy(() -> ConnectJson.write(declared, new Struct(other).put("txId", 1L)))
                .isInstanceOf(org.apache.kafka.connect.errors.DataException.class)
                .hasMessageContaining("mismatching schema");
    }

    private static JsonConverter converter(boolean key) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), key);
        return converter;
    }
}
