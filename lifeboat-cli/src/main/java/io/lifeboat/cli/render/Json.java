package io.lifeboat.cli.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper, and reading a field as text the way every renderer does ("-" when absent). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The body as a tree; a body that is not JSON becomes a text node (it is shown as it is). */
    public static JsonNode read(String body) {
        try {
            return MAPPER.readTree(body == null || body.isBlank() ? "null" : body);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(body);
        }
    }

    /** One line: {@code -o json} prints one document per line, so {@code --watch} output can be piped to jq. */
    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }
}
