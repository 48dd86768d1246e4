package io.lifeboat.loopback.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lifeboat.loopback.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a {@link KafkaBroker#secured secured broker} must refuse, tried with real clients: each method fails (an
 * {@link AssertionError}) if the broker lets the client through, and otherwise returns what the client was told, for
 * the test to check it was the refusal it expects and not some other trouble.
 */
public final class KafkaRefusals {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private KafkaRefusals() {
    }

    /** A client that does not log in (plaintext on the SASL_SSL listener) learns nothing, not even the partitions. */
    public static Throwable anonymousClient(KafkaBroker broker, String topic) {
        return read(Map.of("bootstrap.servers", broker.bootstrapServers()), topic);
    }

    /** A known user with a wrong password is refused at login. */
    public static Throwable wrongPassword(KafkaBroker broker, String user, String topic) {
        Map<String, String> settings = new HashMap<>(broker.clientSettings(user));
        settings.put("sasl.jaas.config", settings.get("sasl.jaas.config").replaceAll("password=\"[^\"]*\"",
                "password=\"not-" + user + "-password\""));
        return read(settings, topic);
    }

    /** Reading {@code topic} with these client settings is refused. */
    public static Throwable read(Map<String, String> settings, String topic) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return refused("reading " + topic, () -> {
            try (KafkaConsumer<String, String> consumer = withClientLoader(() ->
                    new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer()))) {
                consumer.partitionsFor(topic, WAIT);
                var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                consumer.poll(WAIT);
            }
        });
    }

    /** Writing to {@code topic} with these client settings is refused. */
    public static Throwable write(Map<String, String> settings, String topic) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis() / 2);
        return refused("writing to " + topic, () -> {
            try (KafkaProducer<String, String> producer = withClientLoader(() ->
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))) {
                producer.send(new ProducerRecord<>(topic, "refusal-check", "must not land"))
                        .get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new org.apache.kafka.common.errors.TimeoutException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static Throwable refused(String what, Runnable attempt) {
        try {
            attempt.run();
        } catch (RuntimeException refusal) {
            return refusal;
        }
        throw new AssertionError("the secured broker allowed " + what);
    }

    /** Kafka loads its plugins (metrics reporters) through the context class loader: the one that has its classes. */
    private static <T> T withClientLoader(Supplier<T> create) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaConsumer.class.getClassLoader());
        try {
            return create.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
