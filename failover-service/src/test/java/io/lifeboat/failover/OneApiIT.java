package io.lifeboat.failover;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.OperatorActed;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.failover.rest.LeaderForwarding;
import io.lifeboat.failover.testing.ReplicationStandIn;
import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.SharedServers;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One operator API behind one Service: two instances of the packaged service as their own processes, on the real
 * broker and the real BIND. Every action (abort, approve, failback, retry, skip, failover) sent to the instance that
 * does not lead is decided by the leader (its answer names it), with the caller's token and name (the leader's audit
 * names the person); the same through the leader itself; and after the leader is killed, through the one left.
 */
class OneApiIT {

    static final String VIEWER = "test-viewer-token-0000000001";
    static final String OPERATOR = "test-operator-token-000000001";
    static final Duration RUNBOOK = Duration.ofSeconds(90);
    static final String LINK = "home-to-offsite-db";

    static KafkaBroker kafka;
    static ReplicationStandIn standIn;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        kafka = SharedServers.kafka();
        DnsServer dns = SharedServers.dns();
        standIn = new ReplicationStandIn(kafka.bootstrapServers(), LINK, "home", "offsite");
        Path logs = SharedServers.workDir().resolve("one-api-" + UUID.randomUUID());
        a = instance("failover-a", dns, logs);
        a.start();
        a.awaitReady(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).until(() -> state(a).getBoolean("instanceLeads"));
        b = instance("failover-b", dns, logs);
        b.start();
        b.awaitReady(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).until(() -> "failover-a".equals(state(b).getString("leader"))
                && !state(b).getBoolean("instanceLeads"));
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, standIn}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    static ServiceProcess instance(String name, DnsServer dns, Path logs) {
        return process(name, environment(name, dns), logs);
    }

    /** As a Deployment gives it: configuration by environment variables only. */
    static Map<String, String> environment(String name, DnsServer dns) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", SharedServers.kafka().bootstrapServers());
        env.put("LIFEBOAT_SITE", "offsite");
        env.put("LIFEBOAT_INSTANCE_ID", name);
        env.put("LIFEBOAT_FAILOVER_STATE_ID", "one-api");
        env.put("LIFEBOAT_FAILOVER_MODE", "manual");
        env.put("LIFEBOAT_FAILOVER_LEADERSHIP_SESSION_TIMEOUT", "6s");
        env.put("LIFEBOAT_FAILOVER_SITES_HOME_ADDRESSES", "127.0.0.11");
        env.put("LIFEBOAT_FAILOVER_SITES_OFFSITE_ADDRESSES", "127.0.0.12");
        env.put("LIFEBOAT_FAILOVER_DATABASE_LINKS", LINK);
        env.put("LIFEBOAT_DNS_HOST", dns.host());
        env.put("LIFEBOAT_DNS_PORT", Integer.toString(dns.port()));
        env.put("LIFEBOAT_DNS_ZONE", dns.zone());
        env.put("LIFEBOAT_DNS_TSIG_KEY_NAME", dns.tsigKeyName());
        env.put("LIFEBOAT_DNS_TSIG_ALGORITHM", dns.tsigAlgorithm());
        env.put("LIFEBOAT_DNS_TSIG_SECRET", dns.tsigSecret());
        env.put("LIFEBOAT_API_VIEWER_TOKENS", VIEWER);
        env.put("LIFEBOAT_API_OPERATOR_TOKENS", OPERATOR);
        env.put("MALLOC_ARENA_MAX", "2");
        // No advertised URL: the default is QUARKUS_HTTP_HOST and QUARKUS_HTTP_PORT, which ServiceProcess sets.
        return env;
    }

    static ServiceProcess process(String name, Map<String, String> env, Path logs) {
        return new ServiceProcess(name, Path.of(System.getProperty("lifeboat.service.jar")), FreePorts.next(), env,
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), logs);
    }

    static io.restassured.path.json.JsonPath state(ServiceProcess via) {
        return given().baseUri(via.url()).auth().oauth2(VIEWER).get("/state").then().statusCode(200).extract().jsonPath();
    }

    static String phase(ServiceProcess via) {
        return state(via).getString("phase");
    }

    static void awaitPhase(String phase) {
        await().atMost(RUNBOOK).pollInterval(Duration.ofMillis(250)).until(() -> phase.equals(phase(a)) && phase.equals(phase(b)));
    }

    static Response act(ServiceProcess via, String path, String body) {
        return given().baseUri(via.url()).auth().oauth2(OPERATOR).header("X-Lifeboat-Actor", "alice")
                .contentType(ContentType.JSON).body(body).post(path);
    }

    /** An accepted action, decided by the leader whichever instance it was sent to. */
    static void accepted(ServiceProcess via, String leader, String path, String body) {
        Response r = act(via, path, body);
        assertThat(r.statusCode()).as(path + " through " + via.name() + ": " + r.asString()).isEqualTo(202);
        assertThat(r.header(LeaderForwarding.ANSWERED_BY)).isEqualTo(leader);
    }

    static void down(String site) {
        verdict(site, Verdict.DOWN);
    }

    static void verdict(String site, Verdict verdict) {
        Instant now = Instant.now();
        VerdictEvidence evidence = new VerdictEvidence(List.of("obs-eu", "obs-us"), 2, List.of("eu", "us"),
                verdict == Verdict.DOWN ? List.of("https://" + site) : List.of(), verdict == Verdict.DOWN ? now : null);
        standIn.publish("lifeboat.outages", EventTypes.SITE_VERDICT_CHANGED, new SiteVerdictChanged(
                site + "-" + verdict + "-" + UUID.randomUUID(), site, verdict, Verdict.UP, now,
                site + " " + verdict.name().toLowerCase() + " (test)", evidence, "obs-eu"));
    }

    @Test
    void everyActionSucceedsThroughEitherInstance() throws Exception {
        awaitPhase("NORMAL");
        verdict("offsite", Verdict.UP);
        List<String> decided = new ArrayList<>();
        try (TopicReader events = new TopicReader(kafka.bootstrapServers(), "lifeboat.events")) {
            // A viewer's action is refused where it arrives; the follower reads the state as the leader does.
            given().baseUri(b.url()).auth().oauth2(VIEWER).contentType(ContentType.JSON).body("{\"reason\":\"x\"}")
                    .post("/abort").then().statusCode(403);
            given().baseUri(b.url()).contentType(ContentType.JSON).body("{\"reason\":\"x\"}").post("/abort").then()
                    .statusCode(401);
            assertThat(state(b).getLong("epoch")).isEqualTo(state(a).getLong("epoch"));

            down("home");
            awaitPhase("AWAITING_APPROVAL");
            accepted(a, "failover-a", "/abort", "{\"reason\":\"drill: through the leader\"}");
            decided.add("abort");
            awaitPhase("NORMAL");

            down("home");
            awaitPhase("AWAITING_APPROVAL");
            accepted(b, "failover-a", "/abort", "{\"reason\":\"drill: through the follower\"}");
            decided.add("abort");
            awaitPhase("NORMAL");

            down("home");
            awaitPhase("AWAITING_APPROVAL");
            accepted(b, "failover-a", "/approve", "{\"reason\":\"home is gone\"}");
            decided.add("approve");
            awaitPhase("ON_DR");

            verdict("home", Verdict.UP);
            standIn.answer = c -> c.command() == CommandName.PROMOTE ? CommandOutcome.FAILED : CommandOutcome.DONE;
            await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(state(a).getString("verdicts.home")).startsWith("UP"));
            accepted(b, "failover-a", "/failback", "{\"reason\":\"home repaired\"}");
            decided.add("failback");
            awaitPhase("STUCK");
            int step = state(a).getInt("run.currentStep");
            accepted(b, "failover-a", "/steps/" + step + "/retry", "{\"reason\":\"try again\"}");
            decided.add("retry step " + step);
            // The retry ran (a fresh set of attempts, failing again as PROMOTE still fails): stuck once more.
            await().atMost(RUNBOOK).until(() -> "STUCK".equals(phase(a)) && state(a).getInt("run.steps[" + (step - 1)
                    + "].operatorRetries") == 1);
            standIn.answer = c -> CommandOutcome.DONE;
            accepted(b, "failover-a", "/steps/" + step + "/skip", "{\"reason\":\"promoted by hand\"}");
            decided.add("skip step " + step);
            awaitPhase("NORMAL");

            accepted(b, "failover-a", "/failover", "{\"reason\":\"planned drill\",\"force\":true}");
            decided.add("failover");
            awaitPhase("ON_DR");

            // Maintenance mode through the follower: in the replicated state, so both instances show it.
            accepted(b, "failover-a", "/pause", "{\"reason\":\"planned work at home\"}");
            decided.add("pause");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "planned work at home".equals(state(b).getString("paused.reason")));

            for (String action : decided.subList(1, decided.size())) {
                OperatorActed acted = (OperatorActed) events.awaitEvent(e -> e.type() == EventTypes.OPERATOR_ACTED
                        && ((OperatorActed) e.payload()).action().equals(action)
                        && !((OperatorActed) e.payload()).result().startsWith("refused"), Duration.ofSeconds(30)).payload();
                assertThat(acted.actor()).as(action).startsWith("alice (token:").doesNotContain(OPERATOR);
            }
        }

        // The leader lost: the instance left takes over, and acts itself.
        a.kill();
        await().atMost(Duration.ofSeconds(60)).until(() -> state(b).getBoolean("instanceLeads"));
        assertThat(state(b).getString("paused.by")).as("the pause outlives its leader").startsWith("alice (token:");
        verdict("home", Verdict.UP);
        standIn.answer = c -> CommandOutcome.DONE;
        await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(state(b).getString("verdicts.home")).startsWith("UP"));
        Response r = act(b, "/failback", "{\"reason\":\"after the leader was lost\"}");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        assertThat(r.header(LeaderForwarding.ANSWERED_BY)).as("an operator's failback while paused")
                .isEqualTo("failover-b");
        await().atMost(RUNBOOK).until(() -> "NORMAL".equals(phase(b)));
        assertThat(act(b, "/resume", "{\"reason\":\"work done\"}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(b).getString("paused") == null);
    }
}
