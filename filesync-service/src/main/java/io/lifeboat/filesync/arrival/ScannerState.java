package io.lifeboat.filesync.arrival;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.events.kafka.CompactedTopic;

/**
 * The scanner's memory, in a compacted Kafka topic (the shared {@link CompactedTopic}) so that it survives restarts
 * and moves with the service: per scanned bucket, a fingerprint (ETag and size) of every object it has announced,
 * and the cursor of the pass under way. Compaction keeps the newest value per key, so the topic stays the size of
 * the bucket's listing.
 *
 * <p>Keys: {@code o/<site>/<bucket>/<object key>} → {@code <etag>:<size>} (a tombstone once removed), and
 * {@code c/<site>/<bucket>} → {@code <pass>|<last key of the pass so far>}.
 */
final class ScannerState implements AutoCloseable {

    private final CompactedTopic store;
    private final Map<String, Map<String, String>> fingerprints = new HashMap<>();
    private final Map<String, Cursor> cursors = new HashMap<>();

    record Cursor(long pass, String after) {
        static Cursor parse(String text) {
            int bar = text.indexOf('|');
            return new Cursor(Long.parseLong(text.substring(0, bar)), text.substring(bar + 1));
        }

        String text() {
            return pass + "|" + after;
        }
    }

    /** @param kafka the service's Kafka client settings ({@code KafkaSettings.clients}), security included */
    ScannerState(Map<String, Object> kafka, String topic) {
        this.store = new CompactedTopic(kafka, topic, "filesync-scanner-state");
    }

    /** Creates the compacted topic unless it exists, and reads it to its end. */
    void load() {
        store.ensure(Optional.empty()).readToEnd(r -> apply(r.key(),
                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    }

    private void apply(String key, String value) {
        if (key.startsWith("c/")) {
            if (value == null) {
                cursors.remove(key.substring(2));
            } else {
                cursors.put(key.substring(2), Cursor.parse(value));
            }
        } else if (key.startsWith("o/")) {
            String rest = key.substring(2);
            int first = rest.indexOf('/');
            int second = rest.indexOf('/', first + 1);
            if (first < 0 || second < 0) {
                return;
            }
            String scope = rest.substring(0, second);
            String objectKey = rest.substring(second + 1);
            if (value == null) {
                fingerprints.getOrDefault(scope, new HashMap<>()).remove(objectKey);
            } else {
                fingerprints.computeIfAbsent(scope, s -> new HashMap<>()).put(objectKey, value);
            }
        }
    }

    /** What the scanner last announced for every object of a bucket ({@code <site>/<bucket>}). */
    Map<String, String> fingerprints(String scope) {
        return fingerprints.computeIfAbsent(scope, s -> new HashMap<>());
    }

    Cursor cursor(String scope) {
        return cursors.getOrDefault(scope, new Cursor(1, ""));
    }

    void remember(String scope, String objectKey, String fingerprint) {
        if (fingerprint == null) {
            fingerprints(scope).remove(objectKey);
        } else {
            fingerprints(scope).put(objectKey, fingerprint);
        }
        store.put("o/" + scope + "/" + objectKey, fingerprint == null ? null
                : fingerprint.getBytes(StandardCharsets.UTF_8));
    }

    /** Records the cursor and waits until it and everything remembered before it is safe in Kafka. */
    void checkpoint(String scope, Cursor cursor) {
        cursors.put(scope, cursor);
        try {
            store.putAndWait("c/" + scope, cursor.text().getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("could not record the scanner's progress: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
