package io.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.loopback.PostgresServer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sandbox's split-brain drill ({@link SandboxTest}'s last test): home cut off at failover. */
final class SplitBrainDrill {

    private final Sandbox sandbox;
    private final Properties endpoints;
    private final Path workDir;

    SplitBrainDrill(Sandbox sandbox, Properties endpoints, Path workDir) {
        this.sandbox = sandbox;
        this.endpoints = endpoints;
        this.workDir = workDir;
    }

    /**
     * Split brain, the last test (it leaves DR running at offsite): home cut off at failover by nftables rules, not
     * stopped, while a back-end job at home (it does not follow DNS) keeps writing there. Home's warden cannot renew
     * its lease through Kafka and fences home's database; failover-service cannot reach home to fence it, records it
     * as lost unfenced, and promotes offsite. When the cut heals, home is fenced first (FENCED_ON_RETURN). The job's
     * own ledger is the record: no row of it is committed at home after the promotion began, none after the return,
     * and home holds no row that no writer saw committed.
     */
    void cutHomeAtFailover() throws Exception {
        Drill drill = new Drill(endpoints);
        String control = endpoints.getProperty("LIFEBOAT_SANDBOX_CONTROL_URL");
        String warden = endpoints.getProperty("LIFEBOAT_SERVICE_HEARTBEAT_HOME_URL") + "/warden";
        await().atMost(Duration.ofSeconds(120)).until(() -> drill.phaseAndActiveSite().equals("NORMAL home")
                && SandboxProbes.get(warden).body().contains("\"standing\":\"HOLDING\"") && drill.verdictOf("home").startsWith("UP"));
        PostgresServer home = sandbox.world().postgres("home");
        CommitLedger jobLedger = new CommitLedger(workDir.resolve("home-job/committed.log"));
        try (DemoWriter job = new DemoWriter(() -> Optional.of("home"), Map.of("home", new DemoWriter.SiteAccess("home",
                home.jdbcUrl(DemoSchema.DATABASE), SandboxRoles.APP, endpoints.getProperty("LIFEBOAT_HOME_PG_APP_PASSWORD"),
                null)), jobLedger)) {
            job.startRowsOnly();
            await().atMost(Duration.ofSeconds(30)).until(() -> job.rows() >= 50);
            Instant cutAt = Instant.now();

            assertThat(SandboxProbes.post(control + "/sites/home/lose?cut").body()).contains("cut off");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(SandboxProbes.get(warden).body())
                    .contains("\"standing\":\"FENCED\"").contains("lease of home not renewed"));
            long refusedAtFence = job.failures();
            // The disaster cycle failed over minutes ago, within the cooldown: failover-service asks a person, and
            // the operator running this drill approves (that question only).
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                drill.approveWhenAskedAbout("within the cooldown", "drill: home is cut off on purpose");
                return drill.phaseAndActiveSite().equals("ON_DR offsite");
            });
            JsonNode atPromotion = drill.state();
            assertThat(atPromotion.path("unfenced").path("siteId").asText())
                    .as("failover-service could not reach home to fence it").isEqualTo("home");
            Instant promotionBegan = Instant.parse(java.util.stream.StreamSupport.stream(
                    atPromotion.path("lastRun").path("steps").spliterator(), false)
                    .filter(step -> step.path("name").asText().equals("promote")).findFirst().orElseThrow()
                    .path("startedAt").asText());
            Set<LedgerCheck.Row> homeAtPromotion = drill.rows("HOME");

            // The cut heals while the job keeps trying: home is fenced first, and takes nothing.
            long refusedBeforeReturn = job.failures();
            assertThat(refusedBeforeReturn).as("the job kept trying while cut off").isGreaterThan(refusedAtFence);
            assertThat(SandboxProbes.post(control + "/sites/home/restore").body()).contains("reconnected");
            Instant restoredAt = Instant.now();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                JsonNode state = drill.state();
                assertThat(state.path("unfenced").isMissingNode() || state.path("unfenced").isNull()).isTrue();
                assertThat(fencedOnReturnSince(drill, cutAt)).as("home fenced on its return").isEqualTo(1);
            });
            Instant fencedOnReturnAt = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> job.failures() >= refusedBeforeReturn + 10);
            assertThat(drill.rows("HOME")).as("home takes no row after its return").isEqualTo(homeAtPromotion);

            List<CommitLedger.Entry> afterPromotion = jobLedger.entries("home", null).stream()
                    .filter(e -> !e.at().isBefore(promotionBegan)).toList();
            assertThat(afterPromotion).as("rows the job committed at home once the promotion began").isEmpty();
            // Every row the job saw committed is at home, and home holds no row that no writer saw committed.
            List<CommitLedger.Entry> known = new java.util.ArrayList<>(jobLedger.entries(null, null));
            known.addAll(drill.ledger(null, null));
            LedgerCheck.Result atHome = LedgerCheck.check(jobLedger.entries(null, null), known, homeAtPromotion);
            assertThat(atHome.ok()).as("home against the writers' ledgers: " + atHome).isTrue();
            StringBuilder steps = new StringBuilder(); // where the time from the cut to DR went, for the log
            atPromotion.path("lastRun").path("steps").forEach(step -> steps.append(String.format(" %s at +%.1f s (%d ms);",
                    step.path("name").asText(), Duration.between(cutAt, Instant.parse(step.path("startedAt")
                            .asText(cutAt.toString()))).toMillis() / 1000.0, step.path("durationMs").asLong(-1))));
            System.out.printf("SandboxTest: the failover's steps after the cut:%s%n", steps);
            System.out.printf("SandboxTest: home cut off; its warden fenced it, the job was refused %d times, and home"
                    + " holds %d rows, none after the promotion began at %s (%.1f s after the cut); fenced on its"
                    + " return within %.1f s of the restore%n", job.failures(), homeAtPromotion.size(), promotionBegan,
                    Duration.between(cutAt, promotionBegan).toMillis() / 1000.0,
                    Duration.between(restoredAt, fencedOnReturnAt).toMillis() / 1000.0);
        }
    }

    /** How many times failover-service fenced a site on its return since {@code since}, by its history. */
    private static long fencedOnReturnSince(Drill drill, Instant since) throws Exception {
        return java.util.stream.StreamSupport.stream(drill.history().spliterator(), false)
                .filter(entry -> entry.path("action").asText().equals("FENCED_ON_RETURN")
                        && Instant.parse(entry.path("at").asText()).isAfter(since)).count();
    }
}
