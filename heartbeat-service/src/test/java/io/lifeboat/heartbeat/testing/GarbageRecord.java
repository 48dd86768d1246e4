package io.lifeboat.heartbeat.testing;

import io.lifeboat.events.EventType;
import io.lifeboat.events.kafka.CloudEventHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** A record with CloudEvent headers that say {@code type} and a value that is not JSON: it must be dead-lettered. */
public final class GarbageRecord {

    private GarbageRecord() {
    }

    public static ProducerRecord<String, byte[]> of(String topic, String key, EventType<?> claimedType) {
        ProducerRecord<String, byte[]> bad = new ProducerRecord<>(topic, key, "{not json".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(CloudEventHeaders.ID, "x".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(CloudEventHeaders.SOURCE, "/somewhere".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(CloudEventHeaders.TYPE, claimedType.name().getBytes(StandardCharsets.UTF_8));
        return bad;
    }
}
