package io.lifeboat.filesync.arrival;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.filesync.store.LifeboatMetadata;

/**
 * Reads the standard S3 event JSON that MinIO publishes to a Kafka target ({@code Records[]} with
 * {@code eventName}, {@code s3.bucket.name}, the URL-encoded {@code s3.object.key}, size, eTag, userMetadata). Pure:
 * every record of a message must be readable, or the whole message is refused with the reason (it then goes to the
 * dead-letter topic as it came).
 */
public final class MinioEventParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1024 * 1024;

    private MinioEventParser() {
    }

    public static List<ObjectChange> parse(String siteId, byte[] value) throws MalformedNotification {
        if (value == null || value.length == 0) {
            throw new MalformedNotification("empty record: no bucket notification in it");
        }
        if (value.length > MAX_BYTES) {
            throw new MalformedNotification("bucket notification of " + value.length + " bytes is over the limit of "
                    + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            throw new MalformedNotification("not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedNotification("not a JSON object");
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            throw new MalformedNotification("no Records[]: not an S3 event notification");
        }
        List<ObjectChange> changes = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            changes.add(record(siteId, records.get(i), "Records[" + i + "]"));
        }
        return changes;
    }

    private static ObjectChange record(String siteId, JsonNode record, String where) throws MalformedNotification {
        String eventName = text(record, "eventName", where);
        ObjectChange.Change change;
        if (eventName.startsWith("s3:ObjectCreated:")) {
            change = ObjectChange.Change.CREATED;
        } else if (eventName.startsWith("s3:ObjectRemoved:")) {
            change = ObjectChange.Change.REMOVED;
        } else {
            throw new MalformedNotification(where + ".eventName '" + eventName
                    + "' is not one filesync handles (s3:ObjectCreated:*, s3:ObjectRemoved:*)");
        }
        JsonNode s3 = record.path("s3");
        String bucket = text(s3.path("bucket"), "name", where + ".s3.bucket");
        JsonNode object = s3.path("object");
        String encodedKey = text(object, "key", where + ".s3.object");
        String key;
        try {
            key = URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedNotification(where + ".s3.object.key is not URL-encoded: " + e.getMessage());
        }
        if (key.isEmpty()) {
            throw new MalformedNotification(where + ".s3.object.key is empty");
        }
        Instant at = Instant.now();
        JsonNode time = record.get("eventTime");
        if (time != null && !time.isNull()) {
            try {
                at = Instant.parse(time.asText());
            } catch (DateTimeParseException e) {
                throw new MalformedNotification(where + ".eventTime is not an RFC 3339 time: " + time.asText());
            }
        }
        if (change == ObjectChange.Change.REMOVED) {
            return new ObjectChange(change, siteId, bucket, key, 0, null, null, siteId, at);
        }
        JsonNode size = object.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw new MalformedNotification(where + ".s3.object.size is missing or not a size");
        }
        String etag = object.path("eTag").asText("").replace("\"", "");
        Map<String, String> metadata = lowerCase(object.path("userMetadata"));
        String origin = metadata.getOrDefault("x-amz-meta-" + LifeboatMetadata.ORIGIN_SITE, siteId);
        String sha = metadata.get("x-amz-meta-" + LifeboatMetadata.SHA256);
        return new ObjectChange(change, siteId, bucket, key, size.asLong(), etag, sha, origin, at);
    }

    private static Map<String, String> lowerCase(JsonNode node) {
        Map<String, String> map = new java.util.HashMap<>();
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                map.put(field.getKey().toLowerCase(Locale.ROOT), field.getValue().asText());
            }
        }
        return map;
    }

    private static String text(JsonNode node, String field, String where) throws MalformedNotification {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedNotification(where + "." + field + " is missing");
        }
        return value.asText();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
