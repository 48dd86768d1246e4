package io.lifeboat.heartbeat.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.Severity;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.events.kafka.EventRecords;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.heartbeat.testing.AlertInbox;
import io.lifeboat.heartbeat.testing.GarbageRecord;
import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.loopback.AlertmanagerServer;
import io.lifeboat.loopback.testing.SecuredKafkaResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one alert path, against the secured broker (as user heartbeat-service, with exactly its shipped ACLs), a real
 * Alertmanager and two webhook receivers (CloudEvents and Slack): alerts raised by other services and by several
 * observers arrive once at each receiver, a malformed record goes to the dead-letter topic, and a resolution
 * resolves, at Alertmanager too.
 */
@QuarkusTest
@WithTestResource(value = SecuredKafkaResource.class, initArgs = @ResourceArg(name = "user", value = "heartbeat-service"))
@WithTestResource(value = AlertRelayTest.Receivers.class)
class AlertRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SLACK_SECRET_PATH = "/services/T0/B0/sl4ck-t0ken";

    /** The receivers, all up; one healthy site so the service has something to watch. */
    public static class Receivers implements QuarkusTestResourceLifecycleManager {
        static final HealthPage HOME = HealthPage.start();
        static final AlertInbox CLOUD = AlertInbox.down().up();
        static final AlertInbox SLACK = AlertInbox.down().up();
        static AlertmanagerServer alertmanager;

        @Override
        public Map<String, String> start() {
            alertmanager = new AlertmanagerServer(Path.of("target", "alert-relay-test", "alertmanager"));
            alertmanager.start();
            Map<String, String> config = new HashMap<>();
            config.put("lifeboat.heartbeat.observer-id", "obs-relay");
            config.put("lifeboat.heartbeat.location", "eu-west");
            config.put("lifeboat.heartbeat.sites.home.targets.web.url", HOME.url());
            config.put("lifeboat.heartbeat.alerts.receivers.am.kind", "alertmanager");
            config.put("lifeboat.heartbeat.alerts.receivers.am.url", alertmanager.url());
            config.put("lifeboat.heartbeat.alerts.receivers.events.kind", "cloudevents");
            config.put("lifeboat.heartbeat.alerts.receivers.events.url", CLOUD.url() + "/events");
            config.put("lifeboat.heartbeat.alerts.receivers.chat.kind", "slack");
            config.put("lifeboat.heartbeat.alerts.receivers.chat.url", SLACK.url() + SLACK_SECRET_PATH);
            config.put("lifeboat.heartbeat.alerts.receivers.chat.min-severity", "warning");
            config.put("lifeboat.heartbeat.alerts.initial-backoff", "0.1s");
            return config;
        }

        @Override
        public void stop() {
            HOME.close();
            CLOUD.close();
            SLACK.close();
            alertmanager.close();
        }
    }

    @Test
    void everyAlertOnTheTopicReachesEachReceiverOnceAndItsResolutionResolves() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String approval = "approval-needed:home-" + run;
        String siteDown = "site-down:home-" + run;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // Once this is delivered the relay holds the partition and reads live (a group's first relay replays
            // what came before it joined, and delivers what fires then).
            String warmUp = "warm-up:" + run;
            send(producer, raised(warmUp, "WARM_UP", "obs-a"));
            awaitDelivered(warmUp, "raised");
            // failover-service asks a person; two observers see the same site down.
            send(producer, raised(approval, "APPROVAL_NEEDED", "failover-service/offsite/0"));
            send(producer, raised(siteDown, "SITE_DOWN", "obs-a"));
            send(producer, raised(siteDown, "SITE_DOWN", "obs-b"));
            sendGarbage(producer, "garbage-" + run);
            String marker = "marker:" + run;
            send(producer, raised(marker, "MARKER", "obs-a"));

            // Records are relayed in order: once the marker is delivered, obs-b's repeat has been seen too.
            awaitDelivered(marker, "raised");
            assertThat(cloudEvents(approval)).extracting(e -> e.get("type").asText()).containsExactly("io.lifeboat.alert.raised");
            assertThat(cloudEvents(siteDown)).extracting(e -> e.get("type").asText()).containsExactly("io.lifeboat.alert.raised");
            JsonNode down = cloudEvents(siteDown).get(0);
            assertThat(down.get("specversion").asText()).isEqualTo("1.0");
            assertThat(down.get("data").get("kind").asText()).isEqualTo("SITE_DOWN");
            assertThat(down.get("data").get("observer").asText()).isEqualTo("obs-a");
            assertThat(slackLines(siteDown)).hasSize(1).allMatch(t -> t.contains(":red_circle:"));
            assertThat(Receivers.SLACK.received()).extracting(AlertInbox.Received::path).containsOnly(SLACK_SECRET_PATH);
            await().atMost(WAIT).untilAsserted(() -> assertThat(activeInAlertmanager())
                    .contains(approval, siteDown));

            try (TopicReader dlq = new TopicReader(SecuredKafkaResource.broker().adminSettings(), "lifeboat.dlq")) {
                ConsumerRecord<String, byte[]> dead = dlq.awaitRecord(r -> ("garbage-" + run).equals(r.key()), WAIT);
                assertThat(CloudEventHeaders.text(dead.headers(), DeadLetters.REASON)).contains("is not JSON");
            }

            send(producer, resolved(siteDown, "SITE_DOWN", "obs-b"));
            send(producer, resolved(siteDown, "SITE_DOWN", "obs-a"));
            send(producer, resolved(approval, "APPROVAL_NEEDED", "failover-service/offsite/0"));
            send(producer, resolved(marker, "MARKER", "obs-a"));
            awaitDelivered(marker, "resolved");
            assertThat(cloudEvents(siteDown)).extracting(e -> e.get("type").asText())
                    .containsExactly("io.lifeboat.alert.raised", "io.lifeboat.alert.resolved");
            assertThat(cloudEvents(approval)).extracting(e -> e.get("type").asText())
                    .containsExactly("io.lifeboat.alert.raised", "io.lifeboat.alert.resolved");
            assertThat(slackLines(siteDown)).hasSize(2).last().matches(t -> t.contains("RESOLVED"));
            await().atMost(WAIT).untilAsserted(() -> assertThat(activeInAlertmanager())
                    .doesNotContain(approval, siteDown));
            // The metrics say what the receivers themselves saw.
            await().atMost(WAIT).untilAsserted(() -> assertThat(deliveredTo("events"))
                    .isEqualTo(Receivers.CLOUD.received().size()));
            assertThat(deliveredTo("chat")).isEqualTo(Receivers.SLACK.received().size());
        }
    }

    private static AlertRaised raised(String id, String kind, String by) {
        return new AlertRaised(id, kind, Severity.CRITICAL, "home", kind + " seen by " + by, by, Instant.now(),
                Map.of("site", "home"));
    }

    private static AlertResolved resolved(String id, String kind, String by) {
        return new AlertResolved(id, kind, "home", "gone, says " + by, by, Instant.now());
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(new HashMap<>(SecuredKafkaResource.broker().adminSettings()), new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, Object payload) throws Exception {
        ProducerRecord<String, byte[]> record = payload instanceof AlertRaised r
                ? EventRecords.record("lifeboat.alerts", EventTypes.ALERT_RAISED, r, "/test/" + r.raisedBy(), Instant.now())
                : EventRecords.record("lifeboat.alerts", EventTypes.ALERT_RESOLVED, (AlertResolved) payload, "/test",
                        Instant.now());
        producer.send(record).get();
    }

    private static void sendGarbage(KafkaProducer<String, byte[]> producer, String key) throws Exception {
        producer.send(GarbageRecord.of("lifeboat.alerts", key, EventTypes.ALERT_RAISED)).get();
    }

    private static void awaitDelivered(String alertId, String status) {
        await().atMost(WAIT).until(() -> cloudEvents(alertId).stream()
                .anyMatch(e -> e.get("type").asText().equals("io.lifeboat.alert." + status)));
    }

    private static List<JsonNode> cloudEvents(String alertId) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (AlertInbox.Received r : Receivers.CLOUD.received()) {
            JsonNode e = EventJson.mapper().readTree(r.body());
            if (alertId.equals(e.path("subject").asText())) {
                events.add(e);
            }
        }
        return events;
    }

    private static List<String> slackLines(String alertId) throws IOException {
        List<String> lines = new ArrayList<>();
        for (AlertInbox.Received r : Receivers.SLACK.received()) {
            String text = EventJson.mapper().readTree(r.body()).path("text").asText();
            if (text.contains("(" + alertId + ",")) {
                lines.add(text);
            }
        }
        return lines;
    }

    /** {@code lifeboat_alerts_notices_delivered_total} of one receiver, from the service's own metrics. */
    private static long deliveredTo(String receiver) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("lifeboat_alerts_notices_delivered_total{")
                && l.contains("receiver=\"" + receiver + "\"")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(-1L);
    }

    private static List<String> activeInAlertmanager() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(Receivers.alertmanager.url() + "/api/v2/alerts?active=true")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        for (JsonNode alert : EventJson.mapper().readTree(response.body())) {
            ids.add(alert.path("labels").path("alert_id").asText());
        }
        return ids;
    }
}
