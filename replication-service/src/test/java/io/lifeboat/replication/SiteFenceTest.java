package io.lifeboat.replication;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * FENCE and UNFENCE of a site through the command path, on a site with three databases (links fa, fb and fc, each
 * home → offsite over its own database), and a link whose stored direction contradicts its target database (fc:
 * offsite says ACTIVE at epoch 9, the link has no record and would run as configured).
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = TwoSiteLinkResource.class, initArgs = {@ResourceArg(name = "link", value = "fa"),
        @ResourceArg(name = "applicationRole", value = SiteFenceTest.APP)})
@WithTestResource(value = TwoSiteLinkResource.class, initArgs = {@ResourceArg(name = "link", value = "fb"),
        @ResourceArg(name = "applicationRole", value = SiteFenceTest.APP)})
@WithTestResource(value = TwoSiteLinkResource.class, initArgs = {@ResourceArg(name = "link", value = "fc"),
        @ResourceArg(name = "applicationRole", value = SiteFenceTest.APP),
        @ResourceArg(name = "targetSaysActiveAt", value = "9")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SiteFenceTest {

    static final String APP = "fence_app";
    private static final List<String> DATABASES = List.of("portal_fa", "portal_fb", "portal_fc");

    @Inject
    EventPublisher publisher;

    private final String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);

    private static PostgresServer home() {
        return SharedServers.postgres("home");
    }

    /** The application, with an application name that an old FENCE spared. */
    private static Connection application(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", APP);
        p.setProperty("password", TwoSiteLinkResource.applicationPassword(APP));
        p.setProperty("ApplicationName", "lifeboat-anything");
        return DriverManager.getConnection(home().jdbcUrl(database), p);
    }

    private static void insert(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO demo.customers (name) VALUES ('" + name + "')");
        }
    }

    /** The epoch the last command ran at: the one asked for, or failover's current one if that is newer already. */
    private static long lastEpoch;
    private static long fenceEpoch;

    /** A command at failover's current epoch (raised to {@code epoch} first: commands run only at the one it holds). */
    private CommandFinished command(CommandName name, long epoch, String target) {
        lastEpoch = Math.max(epoch, FailoverStates.current(bootstrap).orElse(0));
        FailoverStates.raiseTo(bootstrap, lastEpoch);
        epoch = lastEpoch;
        String id = UUID.randomUUID().toString();
        try (TopicReader events = new TopicReader(bootstrap, "lifeboat.events")) {
            publisher.publishAndAwait(EventTypes.COMMAND_ISSUED, new CommandIssued(id, name, epoch, target, "test",
                    "test of " + name, CommandParameters.none(), Instant.now()));
            return (CommandFinished) events.awaitEvent(e -> e.type() == EventTypes.COMMAND_FINISHED
                    && ((CommandFinished) e.payload()).commandId().equals(id), Duration.ofSeconds(120)).payload();
        }
    }

    @Test
    @Order(1)
    void aLinkWhoseTargetSaysActiveRefusesToRunAndSaysWhy() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/links/fc").then()
                .body("state", equalTo("FAILED"))
                .body("reason", containsString("target database at offsite says it is ACTIVE at epoch 9"))
                .body("reason", containsString("the link's stored record says home → offsite, RUNNING, epoch -1")));
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).kind().equals("DIRECTION_CONTRADICTED"), Duration.ofSeconds(30))
                    .payload();
            assertThat(alert.labels()).containsEntry("link", "fc");
            assertThat(alert.reason()).contains("offsite says it is ACTIVE at epoch 9");
        }
        CommandFinished paused = command(CommandName.PAUSE, 1, "fc");
        assertThat(paused.outcome()).isEqualTo(CommandOutcome.REFUSED);
        assertThat(paused.reason()).contains("refused to run").contains("ACTIVE at epoch 9");
        // It did not guard the live database: offsite's portal_fc still takes writes.
        try (Connection c = SharedServers.postgres("offsite").connect("portal_fc")) {
            insert(c, "written at the live offsite");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(2)
    void fenceStopsTheApplicationInEveryDatabaseOfTheSiteAndUnfenceGivesItBack() throws Exception {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            given().get("/links/fa").then().body("state", equalTo("STREAMING"));
            given().get("/links/fb").then().body("state", equalTo("STREAMING"));
        });
        Connection[] open = new Connection[DATABASES.size()];
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = application(DATABASES.get(i));
                insert(open[i], "before the fence");
            }
            // A session idle in its write transaction holds the table against the guard: the FENCE must not wait
            // for it (it waited for as long as the session liked), and what it wrote must never commit.
            open[0].setAutoCommit(false);
            insert(open[0], "uncommitted at the fence");
            CommandFinished fenced = command(CommandName.FENCE, 3, "home");
            fenceEpoch = lastEpoch;
            assertThat(fenced.outcome()).as(fenced.reason()).isEqualTo(CommandOutcome.DONE);
            assertThat(fenced.details()).containsEntry("databases", "3");
            for (int i = 0; i < open.length; i++) {
                Connection session = open[i];
                assertThatThrownBy(() -> insert(session, "after the fence, on an open session"))
                        .isInstanceOf(SQLException.class);
            }
        } finally {
            for (Connection c : open) {
                if (c != null) {
                    c.close();
                }
            }
        }
        for (String database : DATABASES) {
            assertThatThrownBy(() -> application(database)).hasMessageContaining("not permitted to log in");
            try (Connection c = home().connect(database)) {
                // Another role than the application's (here the administrator's) meets the guard on every database.
                assertThatThrownBy(() -> insert(c, "an administrator write after the fence"))
                        .hasMessageContaining("refuses writes");
                SiteRole.Stored role = SiteRole.read(c).orElseThrow();
                assertThat(role.role()).isEqualTo(SiteRole.Role.FENCED);
                assertThat(role.epoch()).isEqualTo(fenceEpoch);
            }
        }

        // A report reading a table of the fenced site holds it against the guard's lift: UNFENCE ends it, not waits.
        CommandFinished unfenced;
        try (Connection report = ReportSession.holdingReadLock(home(), DATABASES.get(1), "demo", "demo.customers")) {
            unfenced = command(CommandName.UNFENCE, fenceEpoch, "home");
            assertThat(ReportSession.alive(report)).as("the report holding the guarded table").isFalse();
        }
        assertThat(unfenced.outcome()).as(unfenced.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(unfenced.details()).hasEntrySatisfying(
                home().host() + ":" + home().port() + "/" + DATABASES.get(1) + ".lockingSessionsEnded",
                ended -> assertThat(ended).isEqualTo("1"));
        for (String database : DATABASES) {
            try (Connection c = application(database)) {
                insert(c, "after unfence");
            }
            try (Connection c = home().connect(database); Statement s = c.createStatement();
                 var rows = s.executeQuery("SELECT count(*) FILTER (WHERE name = 'before the fence'),"
                         + " count(*) FILTER (WHERE name LIKE 'after the fence%' OR name LIKE 'an administrator%'"
                         + " OR name = 'uncommitted at the fence'),"
                         + " count(*) FILTER (WHERE name = 'after unfence') FROM demo.customers")) {
                rows.next();
                assertThat(List.of(rows.getInt(1), rows.getInt(2), rows.getInt(3))).as(database)
                        .containsExactly(1, 0, 1);
                assertThat(SiteRole.read(c).orElseThrow().role()).isEqualTo(SiteRole.Role.ACTIVE);
            }
        }
    }
}
