package io.lifeboat.filesync;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.epoch.CommandAdmission;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.testing.ApiAuthContract;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.filesync.testing.FilesyncStoresResource;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API's tokens and the commands' epochs, against the real broker and stores. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(FilesyncStoresResource.class)
class ApiAndCommandsTest {

    /** The test profile's tokens (application.properties). */
    static final String VIEWER = "test-viewer-token-0000000001";
    static final String OPERATOR = "test-operator-token-000000001";
    private static final Duration SOON = Duration.ofSeconds(60);

    @Inject
    EventPublisher publisher;

    @Test
    void reconcilingNeedsAnOperatorTokenAndTheLinksAreOpen() {
        given().get("/links").then().statusCode(200);
        // Let in, the endpoint answers for itself: no such link.
        ApiAuthContract.check(() -> given(), "POST", "/reconcile?link=no-such-link", VIEWER, OPERATOR, 404);
    }

    @Test
    void aReconcileFromNowhereIsRefusedAndARealOneStillRuns() {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        long held = FailoverStates.current(bootstrap).orElse(0) + 1;
        FailoverStates.raiseTo(bootstrap, held);
        // The command consumer starts at the topic's end once it is assigned: ask until it answers.
        await().atMost(SOON).ignoreExceptions().untilAsserted(() ->
                assertThat(reconcile(held - 1, Duration.ofSeconds(5)).outcome()).isEqualTo(CommandOutcome.REFUSED));
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            CommandFinished forged = reconcile(Long.MAX_VALUE);
            assertThat(forged.outcome()).isEqualTo(CommandOutcome.REFUSED);
            assertThat(forged.reason()).isEqualTo("refused RECONCILE: epoch " + Long.MAX_VALUE + " is newer than any "
                    + "failover-service published (it holds " + held + "): not issued by its leader");
            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).kind().equals(CommandAdmission.ALERT_KIND)
                    && ((AlertRaised) e.payload()).labels().get("commandId").equals(forged.commandId()), SOON).payload();
            assertThat(alert.raisedBy()).startsWith("filesync-service/");
        }
        CommandFinished stale = reconcile(held - 1);
        assertThat(stale.outcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(stale.reason()).isEqualTo("refused RECONCILE: epoch " + (held - 1) + " is older than " + held);
        CommandFinished real = reconcile(held);
        assertThat(real.outcome()).as(real.reason()).isEqualTo(CommandOutcome.DONE);
    }

    private CommandFinished reconcile(long epoch) {
        return reconcile(epoch, SOON);
    }

    private CommandFinished reconcile(long epoch, Duration within) {
        String id = UUID.randomUUID().toString();
        try (TopicReader events = new TopicReader(SharedServers.kafka().bootstrapServers(), "lifeboat.events")) {
            publisher.publishAndAwait(EventTypes.COMMAND_ISSUED, new CommandIssued(id, CommandName.RECONCILE, epoch,
                    "home-to-offsite-files", "test", "test of the epoch", CommandParameters.none(), Instant.now()));
            return (CommandFinished) events.awaitEvent(e -> e.type() == EventTypes.COMMAND_FINISHED
                    && ((CommandFinished) e.payload()).commandId().equals(id), within).payload();
        }
    }
}
