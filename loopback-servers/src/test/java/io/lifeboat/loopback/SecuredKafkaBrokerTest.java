package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lifeboat.loopback.testing.KafkaRefusals;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured broker refuses what a Strimzi cluster with SCRAM, TLS and simple authorization refuses. */
class SecuredKafkaBrokerTest {

    @TempDir
    static Path workDir;
    static KafkaBroker broker;
    static final String TOPIC = "secured-" + UUID.randomUUID();
    static final String OTHER = "other-" + UUID.randomUUID();
    static Map<String, String> alice;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.secured(workDir).start();
        broker.createTopic(TOPIC, 1, false);
        broker.createTopic(OTHER, 1, false);
        alice = broker.addUser("alice", List.of(
                allow(ResourceType.TOPIC, TOPIC, PatternType.LITERAL, AclOperation.READ),
                allow(ResourceType.TOPIC, TOPIC, PatternType.LITERAL, AclOperation.WRITE),
                allow(ResourceType.GROUP, "alice-", PatternType.PREFIXED, AclOperation.READ)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
    }

    @Test
    void aUserDoesWhatItsAclsAllowOverTlsAndScram() throws Exception {
        assertThat(alice).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(new HashMap<>(alice), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "k", "over TLS")).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> consumerSettings = new HashMap<>(alice);
        consumerSettings.put(ConsumerConfig.GROUP_ID_CONFIG, "alice-" + UUID.randomUUID());
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
        }
        assertThat(values).containsExactly("over TLS");
    }

    @Test
    void whatNoAclGrantsIsRefused() {
        assertThat(KafkaRefusals.read(alice, OTHER)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaRefusals.write(alice, OTHER)).isInstanceOf(TopicAuthorizationException.class);
        Map<String, Object> otherGroup = new HashMap<>(alice);
        otherGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "bob-group");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(otherGroup, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void aClientWithoutCredentialsOrWithAWrongPasswordOrNotTrustingTheCaIsRefused() {
        assertThat(KafkaRefusals.anonymousClient(broker, TOPIC)).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        assertThat(KafkaRefusals.wrongPassword(broker, "alice", TOPIC)).isInstanceOf(SaslAuthenticationException.class);
        Map<String, String> noCa = new HashMap<>(alice);
        noCa.remove("ssl.truststore.location");
        noCa.remove("ssl.truststore.password");
        noCa.remove("ssl.truststore.type");
        assertThat(KafkaRefusals.read(noCa, TOPIC)).isInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void theShippedUsersAclsAreRead() throws Exception {
        List<AclBinding> failover = KafkaAcls.shipped("failover-service");
        assertThat(failover).allMatch(b -> b.entry().principal().equals("User:failover-service"));
        assertThat(failover).anyMatch(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID
                && b.pattern().patternType() == PatternType.PREFIXED && b.entry().operation() == AclOperation.WRITE);
        assertThat(KafkaAcls.shipped("replication-service")).anyMatch(b -> b.pattern().name().equals("lifeboat.replication.offsets")
                && b.entry().operation() == AclOperation.DESCRIBE_CONFIGS);
        assertThat(Files.readString(broker.workDir().resolve("server.properties").toAbsolutePath()))
                .contains("allow.everyone.if.no.acl.found=false", "super.users=User:admin;User:broker")
                .doesNotContain(broker.adminSettings().get("sasl.jaas.config"));
    }
}
