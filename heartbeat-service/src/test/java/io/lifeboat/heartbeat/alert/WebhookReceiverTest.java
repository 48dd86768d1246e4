package io.lifeboat.heartbeat.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.events.Severity;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.heartbeat.config.HeartbeatConfig.ReceiverKind;
import io.lifeboat.heartbeat.testing.AlertInbox;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delivery to a real local HTTP receiver that is down at first. */
class WebhookReceiverTest {

    private static final WebhookReceiver.Retry FAST = new WebhookReceiver.Retry(Duration.ofMillis(50),
            Duration.ofMillis(400), Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofMinutes(1));
    private static final Instant RAISED = Instant.parse("2025-03-14T09:26:52Z");

    private static AlertNotice down(boolean firing) {
        return new AlertNotice(firing, "site-down:home", "SITE_DOWN", Severity.CRITICAL, "home",
                firing ? "down: 2/2 observers in 2 locations, http://home/health failing for 6.1 s"
                        : "up: 2/2 observers in 2 locations see the target answering",
                "obs-a", RAISED, firing ? null : RAISED.plusSeconds(60),
                Map.of("site", "home", "verdict", "DOWN", "transition", "home-down-0123"));
    }

    @Test
    void retriesWithBackoffWhileTheReceiverIsDownThenDeliversInOrder() {
        try (AlertInbox inbox = AlertInbox.down();
                WebhookReceiver receiver = new WebhookReceiver("ops", ReceiverKind.GENERIC, inbox.url() + "/hook",
                        Map.of("Authorization", "Bearer t0ken"), FAST, List::of)) {
            receiver.send(down(true));
            receiver.send(down(false));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.failedAttempts() >= 3);
            assertThat(receiver.delivered()).isZero();

            inbox.up();

            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.received().size() == 2);
            assertThat(inbox.received()).extracting(AlertInbox.Received::path).containsOnly("/hook");
            assertThat(inbox.received().get(0).authorization()).isEqualTo("Bearer t0ken");
            JsonNode raised = json(inbox.received().get(0).body());
            assertThat(raised.get("status").asText()).isEqualTo("firing");
            assertThat(raised.get("alertId").asText()).isEqualTo("site-down:home");
            assertThat(raised.get("reason").asText()).startsWith("down: 2/2 observers");
            assertThat(json(inbox.received().get(1).body()).get("status").asText()).isEqualTo("resolved");
            assertThat(receiver.where()).doesNotContain("hook").doesNotContain("t0ken");
        }
    }

    @Test
    void slackGetsOneLineOfText() {
        try (AlertInbox inbox = AlertInbox.down().up();
                WebhookReceiver receiver = new WebhookReceiver("chat", ReceiverKind.SLACK,
                        inbox.url() + "/services/T000/B000/XXXX", Map.of(), FAST, List::of)) {
            receiver.send(down(true));
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.received().size() == 1);
            assertThat(json(inbox.received().get(0).body()).get("text").asText())
                    .startsWith(":red_circle: *CRITICAL* SITE_DOWN on site `home`: down: 2/2 observers");
            assertThat(receiver.where()).doesNotContain("XXXX");
        }
    }

    @Test
    void alertmanagerGetsTheV2ApiWithStableLabelsAndEndsAtOnResolve() {
        try (AlertInbox inbox = AlertInbox.down().up();
                WebhookReceiver receiver = new WebhookReceiver("am", ReceiverKind.ALERTMANAGER, inbox.url() + "/",
                        Map.of(), FAST, List::of)) {
            receiver.send(down(true));
            receiver.send(down(false));
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.received().size() == 2);

            assertThat(inbox.received()).extracting(AlertInbox.Received::path).containsOnly("/api/v2/alerts");
            JsonNode firing = json(inbox.received().get(0).body()).get(0);
            JsonNode resolved = json(inbox.received().get(1).body()).get(0);
            assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("SITE_DOWN");
            assertThat(firing.get("labels").get("severity").asText()).isEqualTo("critical");
            assertThat(firing.get("labels")).isEqualTo(resolved.get("labels"));
            assertThat(firing.get("annotations").get("summary").asText()).startsWith("down:");
            assertThat(firing.has("endsAt")).isFalse();
            assertThat(resolved.get("endsAt").asText()).isEqualTo("2025-03-14T09:27:52Z");
        }
    }

    @Test
    void alertmanagerIsToldAgainWhatIsStillFiring() {
        WebhookReceiver.Retry resendQuickly = new WebhookReceiver.Retry(Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofMillis(300));
        try (AlertInbox inbox = AlertInbox.down().up();
                WebhookReceiver receiver = new WebhookReceiver("am", ReceiverKind.ALERTMANAGER, inbox.url(),
                        Map.of(), resendQuickly, () -> List.of(down(true)))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.received().size() >= 2);
            assertThat(inbox.received()).allMatch(r -> r.body().contains("\"alertname\":\"SITE_DOWN\""));
        }
    }

    private static JsonNode json(String body) {
        try {
            return EventJson.mapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
