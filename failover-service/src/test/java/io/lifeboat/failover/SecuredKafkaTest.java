package io.lifeboat.failover;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.KafkaRefusals;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The service on a broker secured as a platform team runs one (SASL_SSL, SCRAM-SHA-512, its CA, ACLs enforced), as
 * user failover-service with exactly the ACLs of its shipped KafkaUser, configured by {@code kafka.*} keys alone: it
 * creates its state topic, wins the leadership group, fences older producers of its transactional id and writes the
 * initial state in a transaction, all through the clients it builds itself.
 */
@QuarkusTest
@WithTestResource(value = SecuredKafkaResource.class, initArgs = @ResourceArg(name = "user", value = "failover-service"))
class SecuredKafkaTest {

    static final String VIEWER = "test-viewer-token-0000000001";
    static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaBroker broker() {
        return SecuredKafkaResource.broker();
    }

    @Test
    void configuredByKafkaKeysAloneItLeadsAndWritesItsStateThroughItsTransactionalProducer() {
        assertThat(ConfigProvider.getConfig().getValue("kafka.security.protocol", String.class)).isEqualTo("SASL_SSL");
        // 503 until the state is read (the state topic may have been created just before, at start)
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var state = given().auth().oauth2(VIEWER).get("/state");
            return state.statusCode() == 200 && state.jsonPath().getBoolean("instanceLeads");
        });
        String leader = given().auth().oauth2(VIEWER).get("/state").then().statusCode(200).extract().jsonPath()
                .getString("leader");
        try (TopicReader state = new TopicReader(broker().adminSettings(), "lifeboat.failover.state")) {
            FailoverState written = (FailoverState) state.awaitEvent(e -> e.type() == EventTypes.FAILOVER_STATE
                    && ((FailoverState) e.payload()).leader().equals(leader), WAIT).payload();
            assertThat(written.epoch()).isEqualTo(1);
            assertThat(written.activeSite()).isEqualTo("home");
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theBrokerRefusesStrangersAndWhatTheServicesAclsDoNotGrant() {
        assertThat(KafkaRefusals.anonymousClient(broker(), "lifeboat.failover.state")).isInstanceOf(TimeoutException.class);
        Map<String, String> service = broker().clientSettings("failover-service");
        assertThat(KafkaRefusals.write(service, "lifeboat.heartbeats")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaRefusals.read(service, "lifeboat.files")).isInstanceOf(TopicAuthorizationException.class);
        // Its transactional ids are lifeboat-failover-*: any other one is refused.
        Map<String, Object> foreign = new HashMap<>(service);
        foreign.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-else-" + System.nanoTime());
        foreign.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(foreign, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }
}
