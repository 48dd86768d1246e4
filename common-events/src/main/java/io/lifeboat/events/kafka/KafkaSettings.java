package io.lifeboat.events.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one Kafka client configuration of a service: the clients it builds itself (producers, consumers, admin
 * clients, Debezium's offset store) take exactly the settings its SmallRye channels take, from every {@code kafka.*}
 * key of the configuration (environment {@code KAFKA_*}): {@code bootstrap.servers}, {@code security.protocol},
 * SASL, TLS trust and key stores. Quarkus gathers them as the {@code default-kafka-broker} map; inject it with
 * {@code @Identifier("default-kafka-broker") Map<String, Object>} and pass it here.
 */
public final class KafkaSettings {

    private KafkaSettings() {
    }

    /** The settings as Kafka clients name them; a copy the caller may extend. */
    public static Map<String, Object> clients(Map<String, Object> defaultBroker) {
        Map<String, Object> settings = new TreeMap<>(defaultBroker);
        if (!settings.containsKey("bootstrap.servers")) {
            throw new IllegalStateException("kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) is not set");
        }
        return settings;
    }

    /** For logs: the same settings with every secret masked. */
    public static String masked(Map<String, Object> settings) {
        Map<String, Object> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, k.contains("password") || k.contains("jaas") || k.contains("secret")
                ? "********" : v));
        return shown.toString();
    }
}
