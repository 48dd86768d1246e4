package io.lifeboat.events.kafka;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"filesync-service\" password=\"s3cr3t-pw\";";

    @Test
    void everyKafkaKeyReachesTheClientsButTheChannelsGroup() {
        Map<String, Object> clients = KafkaSettings.clients(Map.of("bootstrap.servers", "b:9093",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/ca.p12", "group.id", "filesync-service"));
        assertThat(clients).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12").doesNotContainKey("group.id");
        clients.put("client.id", "mine");
        assertThat(KafkaSettings.clients(Map.of("bootstrap.servers", "b:9093"))).doesNotContainKey("client.id");
    }

    @Test
    void withoutBootstrapServersItSaysWhichKeyIsMissing() {
        assertThatThrownBy(() -> KafkaSettings.clients(Map.of("security.protocol", "SSL")))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void noSecretReachesALogLine() {
        String shown = KafkaSettings.masked(Map.of("bootstrap.servers", "b:9093", "sasl.jaas.config", JAAS,
                "ssl.truststore.password", "tspw-123", "ssl.keystore.password", "kspw-456", "ssl.key.password", "kpw-789",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----abc", "sasl.oauthbearer.client.credentials.client.secret",
                "oauth-987", "ssl.truststore.location", "/etc/kafka/ca.p12"));
        assertThat(shown).contains("b:9093", "/etc/kafka/ca.p12")
                .doesNotContain("s3cr3t-pw", "tspw-123", "kspw-456", "kpw-789", "PRIVATE KEY", "oauth-987");
    }
}
