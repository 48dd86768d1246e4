package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
     * Reads the envelope with a streaming parser: only the row images become trees; the source block (the larger
     * part of every event), {@code op} and the rest are read field by field or skipped.
     *
     * @return null for a tombstone (only there for log compaction)
     * @throws MalformedChange when the bytes are not a Debezium envelope
     */
    public static ChangeRecord parse(byte[] keyBytes, byte[] valueBytes) {
        if (valueBytes == null) {
            return null;
        }
        try (JsonParser p = JSON.getFactory().createParser(valueBytes)) {
            String opCode = "";
            JsonNode before = null;
            JsonNode after = null;
            Source source = null;
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken token = p.nextToken();
                    switch (field) {
                        case "op" -> opCode = token.isScalarValue() && token != JsonToken.VALUE_NULL ? p.getText() : "";
                        case "before" -> before = token == JsonToken.VALUE_NULL ? null : JSON.readTree(p);
                        case "after" -> after = token == JsonToken.VALUE_NULL ? null : JSON.readTree(p);
                        case "source" -> source = token == JsonToken.START_OBJECT ? Source.read(p) : null;
                        default -> p.skipChildren();
                    }
                }
            }
            Op op = switch (opCode) {
                case "c", "r", "u" -> Op.UPSERT;
                case "d" -> Op.DELETE;
                case "t" -> Op.TRUNCATE;
                default -> throw new MalformedChange("unknown op '" + opCode + "'");
            };
            if (source == null || source.schema == null || source.table == null) {
                throw new MalformedChange("no source.schema/source.table");
            }
            JsonNode key = keyBytes == null ? null : JSON.readTree(keyBytes);
            boolean snapshot = "r".equals(opCode) || !"false".equals(source.snapshot);
            if (op == Op.UPSERT && (after == null || !after.isObject())) {
                throw new MalformedChange("op '" + opCode + "' without an 'after' row");
            }
            if (op == Op.DELETE && (key == null || !key.isObject())) {
                throw new MalformedChange("delete without a key");
            }
            return new ChangeRecord(op, source.schema, source.table, key, before, after,
                    new SourcePosition(source.commitLsn, source.lsn, source.txId, source.tsMs), snapshot);
        } catch (IOException | NumberFormatException e) {
            throw new MalformedChange("not a Debezium JSON change event: " + e.getMessage());
        }
    }

    /** The fields of Debezium's source block the applier needs. */
    private static final class Source {
        String schema;
        String table;
        String snapshot = "false";
        long lsn;
        long commitLsn;
        long txId;
        long tsMs;
        String sequence;

        static Source read(JsonParser p) throws IOException {
            Source s = new Source();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                boolean scalar = token.isScalarValue() && token != JsonToken.VALUE_NULL;
                switch (field) {
                    case "schema" -> s.schema = scalar ? p.getText() : null;
                    case "table" -> s.table = scalar ? p.getText() : null;
                    case "snapshot" -> s.snapshot = scalar ? p.getText() : "false";
                    case "lsn" -> s.lsn = p.getValueAsLong(0);
                    case "txId" -> s.txId = p.getValueAsLong(0);
                    case "ts_ms" -> s.tsMs = p.getValueAsLong(0);
                    case "sequence" -> s.sequence = token == JsonToken.VALUE_STRING ? p.getText() : null;
                    default -> p.skipChildren();
                }
            }
            if (s.sequence != null) {
                s.readSequence();
            }
            return s;
        }

        /** Debezium's {@code sequence}: the JSON text {@code ["<last commit LSN>","<change LSN>"]}, either may be null. */
        private void readSequence() throws IOException {
            String text = sequence;
            int comma = text.indexOf(',');
            if (text.length() > 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']' && comma > 0
                    && text.indexOf(',', comma + 1) < 0) {
                long first = lsnPart(text, 1, comma);
                commitLsn = first < 0 ? 0 : first;
                long second = lsnPart(text, comma + 1, text.length() - 1);
                lsn = second < 0 ? lsn : second;
                return;
            }
            // anything else: the general parser decides (and refuses what is not JSON)
            JsonNode pair = JSON.readTree(text);
            if (pair.isArray() && pair.size() == 2) {
                commitLsn = pair.get(0).isNull() ? 0 : Long.parseLong(pair.get(0).asText());
                lsn = pair.get(1).isNull() ? lsn : Long.parseLong(pair.get(1).asText());
            }
        }

        /** One element of the pair, text[from, to): a quoted or bare unsigned number, or null (then -1). */
        private static long lsnPart(String text, int from, int to) {
            while (from < to && text.charAt(from) == ' ') {
                from++;
            }
            while (to > from && text.charAt(to - 1) == ' ') {
                to--;
            }
            if (to - from == 4 && text.startsWith("null", from)) {
                return -1;
            }
            if (to - from >= 2 && text.charAt(from) == '"' && text.charAt(to - 1) == '"') {
                from++;
                to--;
            }
            return Long.parseLong(text, from, to, 10);
        }
    }

    public static final class MalformedChange extends RuntimeException {
        public MalformedChange(String message) {
            super(message);
        }
    }
}
