package io.lifeboat.filesync;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileMirrored;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.kafka.UnreadableEvent;
import io.lifeboat.loopback.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Counts the file.mirrored events of the keys under a prefix, per key, from the moment it is made. */
final class MirroredCounter implements AutoCloseable {
    private final Map<String, Integer> copies = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> files;
    private volatile boolean running = true;
    private final Thread thread;

    MirroredCounter(KafkaBroker kafka, String prefix) {
        files = BenchmarkKafka.consumer(kafka);
        thread = new Thread(() -> {
            EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : files.poll(Duration.ofMillis(100))) {
                    if (!EventTypes.FILE_MIRRORED.name().equals(io.lifeboat.events.kafka.CloudEventHeaders.text(
                            r.headers(), io.lifeboat.events.kafka.CloudEventHeaders.TYPE))) {
                        continue; // the benchmark's own CPU competes with the service's: only what it counts
                    }
                    try {
                        var event = reader.read(r.headers(), r.value());
                        if (event.type() == EventTypes.FILE_MIRRORED
                                && ((FileMirrored) event.payload()).key().startsWith(prefix)) {
                            copies.merge(((FileMirrored) event.payload()).key(), 1, Integer::sum);
                        }
                    } catch (UnreadableEvent ignored) {
                        // not ours
                    }
                }
            }
            files.close();
        }, "bench-mirrored-counter");
        thread.start();
    }

    int keys() {
        return copies.size();
    }

    Map<String, Integer> copiesPerKey() {
        return Map.copyOf(copies);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
