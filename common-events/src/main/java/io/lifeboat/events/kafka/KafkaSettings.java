package io.lifeboat.events.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The one Kafka client configuration of a service: the clients it builds itself (producers, consumers, admin
 * clients, Debezium's offset store) take exactly the settings its SmallRye channels take, from every {@code kafka.*}
 * key of the configuration (environment {@code KAFKA_*}): {@code bootstrap.servers}, {@code security.protocol},
 * SASL, TLS trust and key stores. Quarkus gathers them as the {@code default-kafka-broker} map; inject it with
 * {@code @Identifier("default-kafka-broker") Map<String, Object>} and pass it here.
 */
public final class KafkaSettings {

    /** Names of settings that hold a secret whatever Kafka's own definitions say (plugins' settings included). */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|passphrase|jaas|secret|token|credential|\\.key$|user\\.info");

    private KafkaSettings() {
    }

    /**
     * The settings as Kafka clients name them; a copy the caller extends with the client's own settings.
     *
     * <p>Without {@code group.id}: Quarkus adds the application's name there for the channels, but a client built by
     * the service names its own group or has none, and a consumer that is given a group it does not use still asks
     * that group's coordinator for committed offsets, which an ACL-enforcing broker refuses.
     */
    public static Map<String, Object> clients(Map<String, Object> defaultBroker) {
        Map<String, Object> settings = new TreeMap<>(defaultBroker);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        if (!settings.containsKey("bootstrap.servers")) {
            throw new IllegalStateException("kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) is not set");
        }
        return settings;
    }

    /** For logs: the same settings with every secret masked (passwords, JAAS lines, private keys). */
    public static String masked(Map<String, ?> settings) {
        Map<String, Object> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, isSecret(k) ? "********" : v));
        return shown.toString();
    }

    /** Whether a client setting holds a secret: typed PASSWORD by Kafka, or named like one. */
    public static boolean isSecret(String name) {
        return isPassword(ProducerConfig.configDef(), name) || isPassword(ConsumerConfig.configDef(), name)
                || isPassword(AdminClientConfig.configDef(), name)
                || SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    private static boolean isPassword(ConfigDef definitions, String name) {
        ConfigDef.ConfigKey key = definitions.configKeys().get(name);
        return key != null && key.type == ConfigDef.Type.PASSWORD;
    }
}
