package io.lifeboat.failover;

import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.StepStatus;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.fence.DatabaseFence;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.failover.testing.ReplicationStandIn;
import io.lifeboat.loopback.NetworkCut;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.DnsResource;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * Home unreachable at failover, for real: an nft rule drops every packet to and from home's PostgreSQL port, while the
 * application at home keeps trying to write. failover-service runs as it does (real broker, real BIND); its commands
 * are answered through Kafka by {@link ReplicationStandIn}, whose FENCE does what replication-service's does to a
 * site's server: {@link DatabaseFence} on home's real PostgreSQL, as Lifeboat's fence role, so it fails while home is
 * cut off. The failover goes on with home recorded as unfenced; when the cut is lifted and home answers again, the
 * first command to home is the FENCE on return, and home's database accepts no row after it. The writer's own record
 * of committed rows is what is checked. Rows home takes between its return and the fence are counted, not forbidden:
 * closing that window is the site warden's part (home fences itself while it is cut off).
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(DnsResource.class)
class FenceOnReturnFlowTest {

    private static final Duration RUNBOOK = Duration.ofSeconds(90);
    private static PostgresServer home;
    private static NetworkCut cut;
    private static ReplicationStandIn standIn;
    private static final Map<Long, Instant> committed = new ConcurrentHashMap<>();
    private static volatile boolean writing = true;
    private static volatile Instant fencedAt;
    private static volatile int refusals;
    private static Thread writer;

    @BeforeAll
    static void world() throws Exception {
        home = new PostgresServer("home-unfenced", SharedServers.workDir().resolve("home-unfenced-" + System.nanoTime()))
                .start();
        home.createDatabase("portal");
        try (Connection c = home.connect("portal"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app LOGIN PASSWORD 'app-pw'");
            s.execute("CREATE ROLE lifeboat_fence LOGIN PASSWORD 'fence-pw' CREATEROLE");
            s.execute("GRANT app TO lifeboat_fence WITH ADMIN OPTION");
            s.execute("GRANT pg_signal_backend TO lifeboat_fence");
            s.execute("GRANT CREATE ON DATABASE portal TO lifeboat_fence");
            s.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY)");
            s.execute("GRANT SELECT, INSERT ON public.orders TO app");
        }
        cut = new NetworkCut("unfenced");
        standIn = new ReplicationStandIn(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                "home-to-offsite-db", "home", "offsite");
        standIn.answer = c -> c.command() == CommandName.FENCE && c.target().equals("home") ? fenceHome()
                : CommandOutcome.DONE;
        writer = new Thread(FenceOnReturnFlowTest::write, "home-writer");
        writer.start();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        writing = false;
        try {
            if (writer != null) {
                writer.join(10_000);
            }
            if (standIn != null) {
                standIn.close();
            }
        } finally {
            try {
                cut.close();
            } finally {
                home.close();
            }
        }
    }

    /** What replication-service's FENCE does to a site's server, through the real network. */
    private static CommandOutcome fenceHome() {
        Properties p = new Properties();
        p.setProperty("user", "lifeboat_fence");
        p.setProperty("password", "fence-pw");
        p.setProperty("connectTimeout", "1");
        p.setProperty("socketTimeout", "2");
        try (Connection c = DriverManager.getConnection(home.jdbcUrl("portal"), p)) {
            DatabaseFence.fence(c, List.of("app"), "test: fence home");
            fencedAt = Instant.now();
            return CommandOutcome.DONE;
        } catch (SQLException unreachable) {
            return CommandOutcome.FAILED;
        }
    }

    /** Home's application: one row per transaction, reconnecting whenever it is refused or cut off. */
    private static void write() {
        long next = 1;
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app-pw");
        p.setProperty("connectTimeout", "1");
        p.setProperty("socketTimeout", "2");
        while (writing) {
            try (Connection c = DriverManager.getConnection(home.jdbcUrl("portal"), p); Statement s = c.createStatement()) {
                while (writing) {
                    long id = next++;
                    s.executeUpdate("INSERT INTO public.orders (id) VALUES (" + id + ")");
                    committed.put(id, Instant.now());
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                }
            } catch (SQLException refusedOrCut) {
                refusals++;
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // the application retrying
            }
        }
    }

    private static String phase() {
        return FailoverFlowTest.phase();
    }

    @Test
    void homeLostUnfencedIsFencedFirstWhenItAnswersAndTakesNoRowAfterTheFence() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> "NORMAL".equals(phase()) && committed.size() > 20);
        long epoch = FailoverFlowTest.state().getLong("epoch");
        standIn.lag(300);
        FailoverFlowTest.standIn = standIn;
        FailoverFlowTest.verdict("offsite", Verdict.UP, Instant.now().minusSeconds(60));

        cut.dropPort(home.port());
        Instant lostAt = Instant.now();
        try (TopicReader events = new TopicReader(ConfigProvider.getConfig().getValue(
                "kafka.bootstrap.servers", String.class), "lifeboat.events")) {
            FailoverFlowTest.verdict("home", Verdict.DOWN, lostAt, lostAt);
            await().atMost(RUNBOOK).pollInterval(Duration.ofMillis(200)).until(() -> {
                if ("AWAITING_APPROVAL".equals(phase())) { // within the cooldown of an earlier test's failover
                    given().auth().oauth2(FailoverFlowTest.OPERATOR).contentType(ContentType.JSON)
                            .body("{\"reason\":\"home cut off (test)\"}").post("/approve");
                }
                return "ON_DR".equals(phase());
            });
            FailoverStep promoted = (FailoverStep) events.awaitEvent(e -> e.type() == EventTypes.FAILOVER_STEP
                    && ((FailoverStep) e.payload()).name().equals("promote") && ((FailoverStep) e.payload()).epoch()
                    == epoch + 1 && ((FailoverStep) e.payload()).status() == StepStatus.COMPLETED,
                    Duration.ofSeconds(20)).payload();
            assertThat(FailoverFlowTest.state().getString("unfenced.siteId")).isEqualTo("home");
            assertThat(fencedAt).isNull();
            // Nothing else happens to home before it is fenced: no failback.
            given().auth().oauth2(FailoverFlowTest.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"reason\":\"home repaired\",\"force\":true}").post("/failback").then().statusCode(409)
                    .body("error", containsString("not fenced yet"));

            int commandsBefore = standIn.received.size();
            cut.heal();
            Instant answersAt = Instant.now();
            FailoverFlowTest.verdict("home", Verdict.UP, answersAt);
            await().atMost(Duration.ofSeconds(30)).until(() -> fencedAt != null
                    && FailoverFlowTest.state().getString("unfenced") == null);

            List<CommandIssued> toHome = standIn.received.subList(commandsBefore, standIn.received.size()).stream()
                    .filter(c -> c.target().equals("home")).toList();
            assertThat(toHome).first().satisfies(c -> {
                assertThat(c.command()).isEqualTo(CommandName.FENCE);
                assertThat(c.commandId()).startsWith("fence-on-return/");
            });
            assertThat(given().auth().oauth2(FailoverFlowTest.VIEWER).get("/history").then().statusCode(200)
                    .extract().jsonPath().getList("action", String.class)).contains("FENCED_ON_RETURN");

            // The application keeps trying, and home takes no row after the fence; none in the cut either.
            int atFence = committed.size();
            int refusedAtFence = refusals;
            await().atMost(Duration.ofSeconds(20)).until(() -> refusals >= refusedAtFence + 5);
            assertThat(committed.values()).noneMatch(at -> at.isAfter(fencedAt));
            // Cut off, home took nothing (this test's cut also keeps the writer out); between its return and the
            // fence it may: fence on return alone cannot close that window. Home's own site warden does, fencing a
            // home cut off from Kafka before offsite can be promoted (heartbeat-service's WardenCutOffIT).
            assertThat(committed.values()).noneMatch(at -> at.isAfter(lostAt) && at.isBefore(answersAt));
            long inWindow = committed.values().stream().filter(at -> at.isAfter(answersAt)).count();
            System.out.printf("fence on return: home fenced %d ms after it answered again; rows it accepted in that"
                    + " window: %d%n", Duration.between(answersAt, fencedAt).toMillis(), inWindow);
            assertThat(committed).hasSize(atFence);
        }
    }
}
