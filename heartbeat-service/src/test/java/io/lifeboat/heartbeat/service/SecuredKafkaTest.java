package io.lifeboat.heartbeat.service;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.KafkaRefusals;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * The service on a broker secured as a platform team runs one (SASL_SSL, SCRAM-SHA-512, its CA, ACLs enforced), as
 * user heartbeat-service with exactly the ACLs of its shipped KafkaUser, configured by {@code kafka.*} keys alone:
 * it publishes its heartbeats, reads them back in its own group, and publishes the verdict.
 */
@QuarkusTest
@WithTestResource(value = SecuredKafkaResource.class, initArgs = @ResourceArg(name = "user", value = "heartbeat-service"))
@WithTestResource(value = SecuredKafkaTest.OneSite.class)
class SecuredKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One healthy site, probed often. */
    public static class OneSite implements QuarkusTestResourceLifecycleManager {
        private static final HealthPage HOME = HealthPage.start();

        @Override
        public Map<String, String> start() {
            return Map.of("lifeboat.heartbeat.observer-id", "obs-secured", "lifeboat.heartbeat.location", "eu-west",
                    "lifeboat.heartbeat.interval", "0.3s", "lifeboat.heartbeat.timeout", "0.25s",
                    "lifeboat.heartbeat.sites.home.targets.web.url", HOME.url());
        }

        @Override
        public void stop() {
            HOME.close();
        }
    }

    private static KafkaBroker broker() {
        return SecuredKafkaResource.broker();
    }

    @Test
    void configuredByKafkaKeysAloneItPublishesReadsAndJudgesOnTheSecuredBroker() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("kafka.security.protocol", String.class)).isEqualTo("SASL_SSL");
        assertThat(config.getValue("kafka.sasl.mechanism", String.class)).isEqualTo("SCRAM-SHA-512");

        try (TopicReader heartbeats = new TopicReader(broker().adminSettings(), "lifeboat.heartbeats");
             TopicReader outages = new TopicReader(broker().adminSettings(), "lifeboat.outages")) {
            HeartbeatObserved observed = (HeartbeatObserved) heartbeats.awaitEvent(e -> e.type() == EventTypes.HEARTBEAT_OBSERVED
                    && ((HeartbeatObserved) e.payload()).observerId().equals("obs-secured")
                    && ((HeartbeatObserved) e.payload()).ok(), WAIT).payload();
            assertThat(observed.siteId()).isEqualTo("home");
            // Its own heartbeats came back through its consumer group: the verdict counts this observer.
            await().atMost(WAIT).untilAsserted(() -> given().get("/sites/home").then().statusCode(200)
                    .body("verdict", equalTo("UP")).body("evidence.agreeingObservers", hasItems("obs-secured")));
            outages.awaitEvent(e -> e.type() == EventTypes.SITE_VERDICT_CHANGED
                    && ((SiteVerdictChanged) e.payload()).verdict() == Verdict.UP, WAIT);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theBrokerRefusesStrangersAndWhatTheServicesAclsDoNotGrant() {
        assertThat(KafkaRefusals.anonymousClient(broker(), "lifeboat.heartbeats")).isInstanceOf(TimeoutException.class);
        assertThat(KafkaRefusals.wrongPassword(broker(), "heartbeat-service", "lifeboat.heartbeats"))
                .isInstanceOf(SaslAuthenticationException.class);
        Map<String, String> service = broker().clientSettings("heartbeat-service");
        assertThat(KafkaRefusals.read(service, "lifeboat.commands")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(KafkaRefusals.write(service, "lifeboat.commands")).isInstanceOf(TopicAuthorizationException.class);
    }
}
