package io.lifeboat.replication.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * One Debezium change event as the applier needs it: operation, table, key and row images, and its place in the
 * source's stream.
 */
public record ChangeRecord(Op op, String schema, String table, JsonNode key, JsonNode before, JsonNode after,
        SourcePosition position, boolean snapshot) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Op {
        UPSERT, DELETE, TRUNCATE
    }

    public String qualifiedTable() {
        return schema + "." + table;
    }

    /**
     * @return null for a tombstone (only there for log compaction)
     * @throws MalformedChange when the bytes are not a Debezium envelope
     */
    public static ChangeRecord parse(byte[] keyBytes, byte[] valueBytes) {
        if (valueBytes == null) {
            return null;
        }
        try {
            JsonNode value = JSON.readTree(valueBytes);
            JsonNode key = keyBytes == null ? null : JSON.readTree(keyBytes);
            JsonNode source = value.path("source");
            String opCode = value.path("op").asText("");
            Op op = switch (opCode) {
                case "c", "r", "u" -> Op.UPSERT;
                case "d" -> Op.DELETE;
                case "t" -> Op.TRUNCATE;
                default -> throw new MalformedChange("unknown op '" + opCode + "'");
            };
            if (!source.hasNonNull("schema") || !source.hasNonNull("table")) {
                throw new MalformedChange("no source.schema/source.table");
            }
            long lsn = source.path("lsn").asLong(0);
            long commitLsn = 0;
            JsonNode sequence = source.path("sequence");
            if (sequence.isTextual()) {
                JsonNode pair = JSON.readTree(sequence.asText());
                if (pair.isArray() && pair.size() == 2) {
                    commitLsn = pair.get(0).isNull() ? 0 : Long.parseLong(pair.get(0).asText());
                    lsn = pair.get(1).isNull() ? lsn : Long.parseLong(pair.get(1).asText());
                }
            }
            boolean snapshot = "r".equals(opCode) || !"false".equals(source.path("snapshot").asText("false"));
            JsonNode after = value.get("after");
            if (op == Op.UPSERT && (after == null || !after.isObject())) {
                throw new MalformedChange("op '" + opCode + "' without an 'after' row");
            }
            if (op == Op.DELETE && (key == null || !key.isObject())) {
                throw new MalformedChange("delete without a key");
            }
            return new ChangeRecord(op, source.get("schema").asText(), source.get("table").asText(), key,
                    value.get("before"), after, new SourcePosition(commitLsn, lsn, source.path("txId").asLong(0),
                            source.path("ts_ms").asLong(0)), snapshot);
        } catch (IOException | NumberFormatException e) {
            throw new MalformedChange("not a Debezium JSON change event: " + e.getMessage());
        }
    }

    public static final class MalformedChange extends RuntimeException {
        public MalformedChange(String message) {
            super(message);
        }
    }
}
