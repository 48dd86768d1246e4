package io.lifeboat.heartbeat.service;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.kafka.EventReader;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.heartbeat.testing.GarbageRecord;
import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.heartbeat.testing.ObservedSites;
import io.lifeboat.heartbeat.testing.RestartableKafka;
import io.lifeboat.heartbeat.testing.TestObserver;
import io.lifeboat.heartbeat.testing.Targets;
import io.lifeboat.heartbeat.verdict.Finding;
import io.lifeboat.heartbeat.verdict.Observation;
import io.lifeboat.heartbeat.verdict.Quorum;
import io.lifeboat.heartbeat.verdict.VerdictEngine;
import io.lifeboat.heartbeat.verdict.VerdictRules;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * The service as one observer (obs-app, eu-west) and two more built in the test from the same probe code (obs-b in
 * us-east, obs-c in ap-south), all reporting through a real broker, watching real health pages.
 */
@QuarkusTest
@WithTestResource(value = RestartableKafka.class)
@WithTestResource(value = ObservedSites.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoObserversTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HealthPage DEAD = HealthPage.start().stop();
    private static TestObserver obsB;
    private static TestObserver obsC;
    private static String firstDownId;

    @BeforeAll
    static void startTheOtherObservers() {
        String bootstrap = RestartableKafka.broker().bootstrapServers();
        Duration timeout = Duration.ofMillis(250);
        // obs-b is cut off from offsite: it probes an address that nothing answers.
        obsB = new TestObserver(bootstrap, "obs-b", "us-east", List.of(
                Targets.http("home", ObservedSites.HOME.url(), timeout),
                Targets.http("offsite", DEAD.url(), timeout),
                Targets.http("flaky", ObservedSites.FLAKY.url(), timeout))).every(Duration.ofMillis(300));
        obsC = new TestObserver(bootstrap, "obs-c", "ap-south", List.of(
                Targets.http("home", ObservedSites.HOME.url(), timeout))).every(Duration.ofMillis(300));
    }

    @AfterAll
    static void stopThem() {
        obsB.close();
        obsC.close();
    }

    private static String bootstrap() {
        return RestartableKafka.broker().bootstrapServers();
    }

    private static SiteVerdictChanged awaitVerdict(Predicate<SiteVerdictChanged> matching) {
        try (TopicReader outages = new TopicReader(bootstrap(), "lifeboat.outages")) {
            Event<?> e = outages.awaitEvent(ev -> ev.type() == EventTypes.SITE_VERDICT_CHANGED
                    && matching.test((SiteVerdictChanged) ev.payload()), WAIT);
            return (SiteVerdictChanged) e.payload();
        }
    }

    private static List<SiteVerdictChanged> verdictsSoFar(String siteId) {
        List<SiteVerdictChanged> all = new ArrayList<>();
        EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
        try (TopicReader outages = new TopicReader(bootstrap(), "lifeboat.outages")) {
            try {
                outages.awaitRecord(r -> false, Duration.ofSeconds(2));
            } catch (Throwable drained) {
                // Nothing matches on purpose: two seconds of polling read the topic to its end.
            }
            for (ConsumerRecord<String, byte[]> r : outages.seen()) {
                try {
                    Event<?> e = reader.read(r.headers(), r.value());
                    if (e.payload() instanceof SiteVerdictChanged v && v.siteId().equals(siteId)) {
                        all.add(v);
                    }
                } catch (Exception unreadable) {
                    // not ours
                }
            }
        }
        return all;
    }

    private static <T> T awaitAlert(Class<T> type, Predicate<T> matching) {
        try (TopicReader alerts = new TopicReader(bootstrap(), "lifeboat.alerts")) {
            return type.cast(alerts.awaitEvent(e -> type.isInstance(e.payload()) && matching.test(type.cast(e.payload())),
                    WAIT).payload());
        }
    }

    @Test
    @Order(1)
    void everyObserverSeesTheSitesUpAndTheyAgree() {
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/home").then().statusCode(200)
                .body("verdict", equalTo("UP"))
                .body("evidence.agreeingObservers", hasItems("obs-app", "obs-b", "obs-c")));
        SiteVerdictChanged up = awaitVerdict(v -> v.siteId().equals("home") && v.verdict() == Verdict.UP);
        assertThat(up.reason()).startsWith("up: ");
        assertThat(up.decidedBy()).isEqualTo("obs-app");
        given().get("/observers").then().statusCode(200).body("observerId", hasItems("obs-app", "obs-b", "obs-c"));
    }

    @Test
    @Order(2)
    void aStaleObserverIsFlaggedAlertedAndLeftOut() {
        obsC.stop();

        await().atMost(WAIT).untilAsserted(() -> given().get("/observers").then()
                .body("find { it.observerId == 'obs-c' }.stale", equalTo(true))
                .body("find { it.observerId == 'obs-app' }.self", equalTo(true)));
        AlertRaised stale = awaitAlert(AlertRaised.class, a -> a.alertId().equals("observer-stale:obs-c"));
        assertThat(stale.kind()).isEqualTo("OBSERVER_STALE");
        assertThat(stale.reason()).startsWith("observer obs-c in ap-south is stale: silent for");
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/home").then()
                .body("verdict", equalTo("UP")).body("evidence.reportingObservers", equalTo(2)));
    }

    @Test
    @Order(3)
    void anObserverCutOffFromAHealthySiteGivesDegradedNeverDown() {
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/offsite").then().body("verdict", equalTo("DEGRADED")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().get("/sites/offsite").then().body("verdict", equalTo("DEGRADED")));
        String reason = given().get("/sites/offsite").then().extract().path("reason");
        assertThat(reason).contains("1/2 observers (obs-b in us-east) see every critical target failing");
        assertThat(verdictsSoFar("offsite")).extracting(SiteVerdictChanged::verdict).doesNotContain(Verdict.DOWN);
    }

    @Test
    @Order(4)
    void aSiteIsDownOnlyWithAQuorumAndTheAlertReachesAWebhookThatWasDown() {
        ObservedSites.HOME.stop();

        SiteVerdictChanged down = awaitVerdict(v -> v.siteId().equals("home") && v.verdict() == Verdict.DOWN);
        firstDownId = down.transitionId();
        assertThat(down.reason()).matches("down: 2/2 observers in 2 locations, "
                + java.util.regex.Pattern.quote(ObservedSites.HOME.url())
                + " failing for \\d+\\.\\d s \\(REFUSED: .*\\)");
        assertThat(down.evidence().agreeingObservers()).containsExactly("obs-app", "obs-b");
        assertThat(down.evidence().locations()).containsExactly("eu-west", "us-east");
        assertThat(down.since()).isEqualTo(down.evidence().failingSince());
        given().get("/sites/home").then().body("verdict", equalTo("DOWN")).body("transitionId", equalTo(firstDownId));

        // Another instance fed the same heartbeats names the transition the same way.
        assertThat(replayedTransitionIds("home")).contains(firstDownId);

        AlertRaised alert = awaitAlert(AlertRaised.class, a -> a.alertId().equals("site-down:home"));
        assertThat(alert.reason()).isEqualTo(down.reason());
        ObservedSites.WEBHOOK.up();
        await().atMost(WAIT).until(() -> ObservedSites.WEBHOOK.received().stream()
                .anyMatch(r -> r.body().contains("\"alertId\":\"site-down:home\"") && r.body().contains("\"firing\"")));
        assertThat(ObservedSites.WEBHOOK.received().get(0).authorization()).isEqualTo("Bearer webhook-t0ken");

        ObservedSites.HOME.restart().error();
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/home").then()
                .body("verdict", equalTo("DOWN")).body("reason", org.hamcrest.Matchers.containsString("STATUS: HTTP 500")));
        ObservedSites.HOME.hang();
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/home").then()
                .body("verdict", equalTo("DOWN")).body("reason", org.hamcrest.Matchers.containsString("TIMEOUT")));

        ObservedSites.HOME.ok();
        SiteVerdictChanged up = awaitVerdict(v -> v.siteId().equals("home") && v.verdict() == Verdict.UP
                && v.since().isAfter(down.since()));
        assertThat(up.reason()).startsWith("up: 2/2 observers in 2 locations");
        AlertResolved resolved = awaitAlert(AlertResolved.class, a -> a.alertId().equals("site-down:home"));
        assertThat(resolved.kind()).isEqualTo("SITE_DOWN");
        await().atMost(WAIT).until(() -> ObservedSites.WEBHOOK.received().stream()
                .anyMatch(r -> r.body().contains("\"alertId\":\"site-down:home\"") && r.body().contains("\"resolved\"")));
    }

    @Test
    @Order(5)
    void aFlappingTargetGivesDegradedAndOneAlertNotAStorm() {
        ObservedSites.FLAKY.failing(0.5);

        AlertRaised flapping = awaitAlert(AlertRaised.class, a -> a.alertId().equals("flapping:flaky"));
        assertThat(flapping.reason()).startsWith("flaky flapping: ");
        await().atMost(WAIT).untilAsserted(() -> given().get("/sites/flaky").then().body("verdict", equalTo("DEGRADED")));
        int transitions = verdictsSoFar("flaky").size();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
                given().get("/sites/flaky").then().body("verdict", equalTo("DEGRADED")));
        assertThat(verdictsSoFar("flaky")).as("held at DEGRADED: no new transitions").hasSize(transitions);
        assertThat(transitions).as("a few transitions before it was seen flapping, not a storm").isLessThanOrEqualTo(6);
        ObservedSites.FLAKY.ok();
    }

    @Test
    @Order(6)
    void malformedHeartbeatsGoToTheDeadLetterTopicAndTheConsumerGoesOn() {
        String key = "garbage-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = TestObserver.producer(bootstrap())) {
            producer.send(GarbageRecord.of("lifeboat.heartbeats", key,
                    EventTypes.HEARTBEAT_OBSERVED));
        }
        try (TopicReader dlq = new TopicReader(bootstrap(), "lifeboat.dlq")) {
            ConsumerRecord<String, byte[]> dead = dlq.awaitRecord(r -> key.equals(r.key()), WAIT);
            assertThat(CloudEventHeaders.text(dead.headers(), DeadLetters.REASON)).contains("is not JSON");
        }
        String before = given().get("/observers").then().extract().path("find { it.observerId == 'obs-b' }.lastSeen");
        await().atMost(WAIT).until(() -> !before.equals(
                given().get("/observers").then().extract().path("find { it.observerId == 'obs-b' }.lastSeen")));
    }

    @Test
    @Order(7)
    void keepsJudgingAcrossABrokerRestart() {
        RestartableKafka.restart();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/sites/home").then()
                .body("verdict", equalTo("UP")).body("evidence.reportingObservers", equalTo(2)));

        ObservedSites.HOME.stop();
        try {
            SiteVerdictChanged down = awaitVerdict(v -> v.siteId().equals("home") && v.verdict() == Verdict.DOWN
                    && !v.transitionId().equals(firstDownId));
            assertThat(down.reason()).startsWith("down: 2/2 observers in 2 locations");
        } finally {
            ObservedSites.HOME.restart().ok();
        }
    }

    /** Feeds every heartbeat on the topic so far to a fresh engine with the service's rules. */
    private static List<String> replayedTransitionIds(String siteId) {
        VerdictRules rules = VerdictRules.defaults().withStaleAfter(Duration.ofSeconds(2))
                .withFlapping(5, Duration.ofSeconds(10)).withQuorum(Quorum.majority());
        VerdictEngine engine = new VerdictEngine(rules, List.of(siteId));
        List<String> ids = new ArrayList<>();
        EventReader reader = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES);
        try (TopicReader heartbeats = new TopicReader(bootstrap(), "lifeboat.heartbeats")) {
            try {
                heartbeats.awaitRecord(r -> false, Duration.ofSeconds(3));
            } catch (Throwable drained) {
                // Three seconds of polling read the topic to its end.
            }
            for (ConsumerRecord<String, byte[]> r : heartbeats.seen()) {
                try {
                    HeartbeatObserved h = (HeartbeatObserved) reader.read(r.headers(), r.value()).payload();
                    for (Finding f : engine.observe(Observation.of(h), h.observedAt().plusMillis(5))) {
                        if (f instanceof Finding.VerdictChanged c && c.judgement().siteId().equals(siteId)) {
                            ids.add(c.judgement().transitionId());
                        }
                    }
                } catch (Exception unreadable) {
                    // the DLQ test's garbage
                }
            }
        }
        return ids;
    }
}
