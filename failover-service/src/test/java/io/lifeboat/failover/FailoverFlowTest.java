package io.lifeboat.failover;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverDecision;
import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.OperatorActed;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.StepStatus;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.failover.testing.ReplicationStandIn;
import io.lifeboat.loopback.testing.DnsResource;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * failover-service as it runs, against the real broker and the real BIND: verdicts and lag arrive through Kafka,
 * commands leave through Kafka and are answered by {@link ReplicationStandIn} (a real Kafka peer speaking the
 * contract, standing in for replication-service until the whole-chain test), DNS is switched and verified on the
 * real server, and operators act through the API with bearer tokens.
 *
 * <p>The methods run in order: each starts from where the previous one left the DR state.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(DnsResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverFlowTest {

    static final String VIEWER = "test-viewer-token-0000000001";
    static final String OPERATOR = "test-operator-token-000000001";
    static final Duration RUNBOOK = Duration.ofSeconds(60);
    static ReplicationStandIn standIn;
    static String bootstrap;

    @BeforeAll
    static void startTheStandIn() {
        bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        standIn = new ReplicationStandIn(bootstrap, "main", "home", "offsite");
    }

    @AfterAll
    static void stopTheStandIn() {
        standIn.close();
    }

    static JsonPath state() {
        return given().auth().oauth2(VIEWER).get("/state").then().statusCode(200).extract().jsonPath();
    }

    static String phase() {
        return given().auth().oauth2(VIEWER).get("/state").then().extract().jsonPath().getString("phase");
    }

    static void verdict(String site, Verdict verdict, Instant since) {
        verdict(site, verdict, since, since.minusMillis(1500));
    }

    /** {@code failingSince}: when the observers' first failed probe was, the moment the lag is judged at. */
    static void verdict(String site, Verdict verdict, Instant since, Instant failingSince) {
        VerdictEvidence evidence = verdict == Verdict.DOWN
                ? new VerdictEvidence(List.of("obs-eu", "obs-us", "obs-ap"), 3, List.of("eu", "us"), List.of("https://" + site),
                        failingSince)
                : new VerdictEvidence(List.of("obs-eu", "obs-us", "obs-ap"), 3, List.of("eu", "us"), List.of(), null);
        standIn.publish("lifeboat.outages", EventTypes.SITE_VERDICT_CHANGED, new SiteVerdictChanged(
                site + "-" + verdict + "-" + UUID.randomUUID(), site, verdict, Verdict.UP, since,
                site + " " + verdict.name().toLowerCase() + " (test)", evidence, "obs-eu"));
    }

    static List<String> portalAddresses() throws Exception {
        var config = ConfigProvider.getConfig();
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(config.getValue("lifeboat.dns.host", String.class),
                config.getValue("lifeboat.dns.port", Integer.class)));
        resolver.setTimeout(Duration.ofSeconds(2));
        Name name = Name.fromString("portal." + config.getValue("lifeboat.dns.zone", String.class) + ".");
        Message answer = resolver.send(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).sorted().toList();
    }

    static void awaitPhase(String phase, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> phase.equals(phase()));
    }

    @Test
    @Order(1)
    void theApiNeedsATokenAndTheRightRole() {
        given().get("/state").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        given().auth().oauth2("not-a-known-token-at-all").get("/state").then().statusCode(401);
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body("{\"reason\":\"drill\"}")
                .post("/failover").then().statusCode(403).body("error", containsString("operator needed"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{}")
                .post("/failover").then().statusCode(400).body("error", containsString("reason is required"));
        await().atMost(Duration.ofSeconds(60)).until(() -> "NORMAL".equals(phase()));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"test\"}")
                .post("/approve").then().statusCode(409).body("error", containsString("nothing awaits approval"));
        given().auth().oauth2(VIEWER).get("/history").then().statusCode(200);
    }

    @Test
    @Order(2)
    void aLaggingStandbyAsksAPersonAndARecoveryCancels() {
        standIn.lag(42_000);
        verdict("offsite", Verdict.UP, Instant.now().minusSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> state().getList("lags.lagMs", Integer.class).contains(42_000)
                && state().getString("verdicts.offsite") != null);
        try (TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts");
             TopicReader events = new TopicReader(bootstrap, "lifeboat.events")) {
            Instant lagging = Instant.now();
            verdict("home", Verdict.DOWN, lagging, lagging);
            awaitPhase("AWAITING_APPROVAL", Duration.ofSeconds(30));
            assertThat(state().getString("pending.reason")).contains("standby lag 42 s exceeds allowed 5 s");
            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).kind().equals("APPROVAL_NEEDED"), Duration.ofSeconds(20)).payload();
            assertThat(alert.reason()).contains("standby lag 42 s exceeds allowed 5 s");

            verdict("home", Verdict.UP, Instant.now());
            awaitPhase("NORMAL", Duration.ofSeconds(30));
            FailoverDecision cancel = (FailoverDecision) events.awaitEvent(e -> e.type() == EventTypes.FAILOVER_DECIDED
                    && ((FailoverDecision) e.payload()).action().equals("CANCEL"), Duration.ofSeconds(20)).payload();
            assertThat(cancel.reason()).startsWith("cancelled: home UP again before the switch");
            assertThat(state().getString("activeSite")).isEqualTo("home");
            assertThat(state().getLong("epoch")).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void anOutageOfHomeFailsOverToOffsiteFencedPromotedAndVerifiedInDns() throws Exception {
        standIn.lag(300);
        await().atMost(Duration.ofSeconds(20)).until(() -> state().getList("lags.lagMs", Integer.class).contains(300));
        try (TopicReader events = new TopicReader(bootstrap, "lifeboat.events")) {
            Instant caughtUp = Instant.now();
            verdict("home", Verdict.DOWN, caughtUp, caughtUp);
            awaitPhase("ON_DR", RUNBOOK);

            assertThat(portalAddresses()).containsExactly("127.0.0.12");
            JsonPath s = state();
            assertThat(s.getString("activeSite")).isEqualTo("offsite");
            assertThat(s.getLong("epoch")).isEqualTo(2);
            assertThat(s.getLong("lastRun.dataLossWindowMs")).isEqualTo(250);
            assertThat(s.getLong("lastRun.recoveryTimeMs")).isPositive();
            List<CommandIssued> commands = standIn.received.stream().filter(c -> c.epoch() == 2).toList();
            assertThat(commands).extracting(CommandIssued::command)
                    .containsExactly(CommandName.FENCE, CommandName.DRAIN, CommandName.PROMOTE);
            assertThat(commands.get(0).target()).isEqualTo("home");
            FailoverStep done = (FailoverStep) events.awaitEvent(e -> e.type() == EventTypes.FAILOVER_STEP
                    && ((FailoverStep) e.payload()).name().equals("done")
                    && ((FailoverStep) e.payload()).status() == StepStatus.COMPLETED, Duration.ofSeconds(20)).payload();
            assertThat(done.reason()).contains("failover complete: offsite active at epoch 2").contains("recovery time")
                    .contains("data-loss window 0.3 s");
            FailoverDecision decision = (FailoverDecision) events.awaitEvent(e -> e.type() == EventTypes.FAILOVER_DECIDED
                    && ((FailoverDecision) e.payload()).action().equals("FAIL_OVER"), Duration.ofSeconds(5)).payload();
            assertThat(decision.reason()).startsWith("failover: home DOWN by 3/3 observers in 2 locations for")
                    .endsWith("offsite UP, lag 0.3 s");
        }
    }

    @Test
    @Order(4)
    void failbackGetsStuckOnAFailingPromoteAnOperatorRetriesAndHomeIsActiveAgain() throws Exception {
        verdict("home", Verdict.UP, Instant.now());
        await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(state().getString("verdicts.home")).startsWith("UP"));
        standIn.answer = c -> c.command() == CommandName.PROMOTE ? CommandOutcome.FAILED : CommandOutcome.DONE;
        // The link reports a copy under way: the running steps carry its figures in PROGRESS step events.
        standIn.progress = io.lifeboat.events.WorkProgress.of("rows", 1_200_000, 5_000_000L, "tables 3/7, 412 MB",
                Instant.now().minusSeconds(5), Instant.now());
        try (TopicReader events = new TopicReader(bootstrap, "lifeboat.events");
             TopicReader alerts = new TopicReader(bootstrap, "lifeboat.alerts")) {
            given().auth().oauth2(OPERATOR).header("X-Lifeboat-Actor", "alice").contentType(ContentType.JSON)
                    .body("{\"reason\":\"home repaired\"}").post("/failback").then().statusCode(202)
                    .body("phase", org.hamcrest.Matchers.equalTo("FAILING_BACK"));
            FailoverStep figures = (FailoverStep) events.awaitEvent(e -> e.type() == EventTypes.FAILOVER_STEP
                    && ((FailoverStep) e.payload()).status() == StepStatus.PROGRESS, Duration.ofSeconds(20)).payload();
            assertThat(figures.runKind()).isEqualTo("FAILBACK");
            assertThat(figures.progress().done()).isEqualTo(1_200_000);
            assertThat(figures.progress().total()).isEqualTo(5_000_000L);
            assertThat(figures.reason()).startsWith("link ").contains("1200000 of 5000000 rows (24 %)")
                    .contains("s left; tables 3/7, 412 MB");
            standIn.progress = null;
            awaitPhase("STUCK", RUNBOOK);
            assertThat(state().getInt("run.currentStep")).isEqualTo(6);
            assertThat(state().getString("run.steps[5].name")).isEqualTo("promote");
            alerts.awaitEvent(e -> e.type() == EventTypes.ALERT_RAISED
                    && ((AlertRaised) e.payload()).kind().equals("FAILOVER_STUCK"), Duration.ofSeconds(20));
            assertThat(standIn.direction()).isEqualTo("offsite->home");

            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"x\"}")
                    .post("/steps/5/retry").then().statusCode(409).body("error", containsString("stuck at step 6"));
            standIn.answer = c -> CommandOutcome.DONE;
            given().auth().oauth2(OPERATOR).header("X-Lifeboat-Actor", "alice").contentType(ContentType.JSON)
                    .body("{\"reason\":\"DBA lifted the lock\"}").post("/steps/6/retry").then().statusCode(202);
            awaitPhase("NORMAL", RUNBOOK);

            assertThat(portalAddresses()).containsExactly("127.0.0.11");
            JsonPath s = state();
            assertThat(s.getString("activeSite")).isEqualTo("home");
            assertThat(s.getLong("epoch")).isEqualTo(3);
            assertThat(s.getLong("lastRun.dataLossWindowMs")).isZero();
            assertThat(s.getLong("lastRun.writesUnavailableMs")).isPositive();
            assertThat(standIn.direction()).isEqualTo("home->offsite");
            OperatorActed retry = (OperatorActed) events.awaitEvent(e -> e.type() == EventTypes.OPERATOR_ACTED
                    && ((OperatorActed) e.payload()).action().equals("retry step 6"), Duration.ofSeconds(20)).payload();
            assertThat(retry.actor()).startsWith("alice (token:");
            assertThat(retry.reason()).isEqualTo("DBA lifted the lock");
            assertThat(retry.actor()).doesNotContain(OPERATOR);
            events.awaitEvent(e -> e.type() == EventTypes.OPERATOR_ACTED
                    && ((OperatorActed) e.payload()).action().equals("retry step 5")
                    && ((OperatorActed) e.payload()).result().startsWith("refused"), Duration.ofSeconds(20));
        }
        List<String> history = given().auth().oauth2(VIEWER).get("/history").then().statusCode(200).extract()
                .jsonPath().getList("action");
        assertThat(history).contains("FAIL_BACK", "retry step 6", "FAIL_OVER", "CANCEL");
    }

    @Test
    @Order(5)
    void theCommandLineShowsTheStateAndActsThroughTheApi() {
        String url = "http://localhost:" + io.restassured.RestAssured.port;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        var viewer = new io.lifeboat.cli.LifeboatCli(url, VIEWER, "bob", out, out);
        assertThat(viewer.run("status")).isZero();
        String status = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(status).contains("active site  home").contains("phase        NORMAL   epoch 3")
                .containsPattern("lag +main +DATABASE").contains("last run").contains("writes unavailable")
                .contains("STREAMING  consistent"); // the stand-in reports its standby consistent, GET /state shows it
        bytes.reset();
        assertThat(viewer.run("failover", "just", "testing")).isEqualTo(4); // not authorised: exit status 4
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("403");
        bytes.reset();
        var operator = new io.lifeboat.cli.LifeboatCli(url, OPERATOR, "alice", out, out);
        assertThat(operator.run("approve", "nothing", "pending")).isEqualTo(1);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("409 refused: nothing awaits approval");
        bytes.reset();
        assertThat(operator.run("history")).isZero();
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("FAIL_BACK").contains("alice");
        assertThat(operator.run("retry", "x")).isEqualTo(2);
    }

    @Test
    @Order(6)
    void aSecondInstanceFollowsTheRunningServiceAndCannotWrite() {
        io.lifeboat.failover.state.StoreSettings settings = new io.lifeboat.failover.state.StoreSettings(
                java.util.Map.of("bootstrap.servers", bootstrap),
                "lifeboat", "lifeboat-failover-lifeboat", "lifeboat-failover-leader-lifeboat", "second-instance",
                "/lifeboat/failover-service/offsite", Duration.ofSeconds(6), io.lifeboat.events.Topic::defaultName);
        try (var second = new io.lifeboat.failover.state.StateStore(settings, (leader, why) -> { }).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> second.current().map(s -> s.epoch() == 3).orElse(false));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                    !second.isLeader() && state().getBoolean("instanceLeads"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.write(second.current().orElseThrow()
                    .withPhase(io.lifeboat.events.FailoverPhase.STUCK, "impostor"), List.of()))
                    .isInstanceOf(io.lifeboat.failover.state.NotLeader.class);
            assertThat(second.current().orElseThrow().leader()).isEqualTo(state().getString("leader"));
        }
        assertThat(phase()).isEqualTo("NORMAL");
    }

    /** Maintenance mode through the operator's CLI: kept in the DR state, shown by status, and an outage asks a person. */
    @Test
    @Order(7)
    void whilePausedByTheCommandLineAnOutageAsksAPersonUntilResumed() {
        String url = "http://localhost:" + io.restassured.RestAssured.port;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        var operator = new io.lifeboat.cli.LifeboatCli(url, OPERATOR, "alice", new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        var viewer = new io.lifeboat.cli.LifeboatCli(url, VIEWER, "bob", new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true));
        assertThat(viewer.run("pause", "not", "mine")).isEqualTo(4);
        assertThat(operator.run("pause", "patching", "home")).isZero();
        assertThat(out.toString()).contains("paused by alice (token:").contains(": patching home; no automatic");
        out.reset();
        err.reset();

        assertThat(viewer.run("status", "-o", "json")).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString().lines()).hasSize(1);
        JsonPath status = JsonPath.from(out.toString());
        assertThat(status.getString("paused.by")).startsWith("alice (token:").doesNotContain(OPERATOR);
        assertThat(status.getString("paused.reason")).isEqualTo("patching home");
        assertThat(status.getString("paused.since")).isNotBlank();
        assertThat(pausedMetric()).isEqualTo("1");
        out.reset();
        assertThat(viewer.run("status")).isZero();
        assertThat(out.toString()).contains("mode auto (paused)").contains("paused       by alice (token:");

        verdict("home", Verdict.DOWN, Instant.now());
        awaitPhase("AWAITING_APPROVAL", Duration.ofSeconds(20));
        assertThat(state().getString("reason")).startsWith("awaiting approval: paused by alice (token:")
                .contains(": patching home (home DOWN by 3/3 observers");
        assertThat(operator.run("abort", "home", "is", "only", "being", "patched")).isZero();
        awaitPhase("NORMAL", Duration.ofSeconds(20));
        verdict("home", Verdict.UP, Instant.now());

        out.reset();
        assertThat(operator.run("resume", "patched")).isZero();
        assertThat(out.toString()).contains("resumed by alice (token:");
        assertThat(state().getString("paused")).isNull();
        assertThat(pausedMetric()).isEqualTo("0");
        assertThat(operator.run("resume", "again")).isEqualTo(1);
        assertThat(err.toString()).contains("409 refused: not paused");
        List<String> history = given().auth().oauth2(VIEWER).get("/history").then().statusCode(200).extract()
                .jsonPath().getList("action");
        assertThat(history).contains("pause", "resume", "abort");
    }

    /** {@code lifeboat_failover_paused} as the instance reports it now. */
    static String pausedMetric() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("lifeboat_failover_paused")).findFirst()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace(".0", "")).orElse("missing");
    }
}
