package io.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileReader;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The disaster cycle, timed, in the sandbox with the real services and default settings (but the cooldown, which
 * would otherwise make every trial after the first ask a person, and the flap window, see {@link #SETTLED}): home lost → DNS answers offsite, then home back
 * and a planned failback, {@code tests.bench.trials} times (10 by default). Run with {@code ./lifeboat bench deploy}.
 *
 * <p>Figures per trial: from the loss (portal, database and object store stopped) to the DNS server answering the
 * offsite address, polled every 20 ms; the service's own recovery time (outage start → DNS verified) and data-loss
 * window; for the failback, the service's "writes unavailable" (fence → DNS verified at home), the longest gap
 * between two committed batches of the demo writer (which writes every 200 ms wherever DNS points), and rows lost
 * (rows the writer's own ledger has as committed, outside the failover's data-loss window, that home lacks once at
 * rest after the failback). With a replication-service that reports no standby consistency, failover-service asks
 * a person and the drill approves (see {@link Drill#approveWhenAskedOnlyForUnreportedConsistency()}): the loss →
 * DNS figure then includes that approval.
 */
@Tag("benchmark")
class DisasterRecoveryBenchmarkTest {

    private static final int TRIALS = Integer.getInteger("tests.bench.trials", 10);
    /**
     * Trials follow each other within a minute, and a site that went down and up that often is rightly held at
     * DEGRADED as flapping (5 changes within 2 min by default). So the flap window is this long here, and each trial
     * starts once home has been UP for longer: a settled site, as a real one is when it is lost.
     */
    private static final Duration SETTLED = Duration.ofSeconds(20);
    /** Per trial so far: from the failover's data-loss cutoff to home's restore, when home's rows may be lost. */
    private static final List<Instant[]> LOSS_WINDOWS = new ArrayList<>();

    record Trial(long lossToDnsMs, long recoveryTimeMs, long dataLossWindowMs, long writesUnavailableMs,
            long longestWriteGapMs, long rowsLost) {
    }

    @TempDir
    Path workDir;

    @Test
    void homeLostThenFailback() throws Exception {
        Map<String, String> shortFlapWindow = Map.of("LIFEBOAT_HEARTBEAT_VERDICT_FLAP_WINDOW", SETTLED.toSeconds() + "s");
        Map<String, Map<String, String>> overrides = Map.of(
                "failover-service", Map.of("LIFEBOAT_FAILOVER_COOLDOWN", "1s"),
                "heartbeat-observer-a", shortFlapWindow, "heartbeat-observer-b", shortFlapWindow);
        try (Sandbox sandbox = new Sandbox(workDir, Path.of("..").toAbsolutePath().normalize(), overrides)) {
            sandbox.start();
            Properties endpoints = new Properties();
            try (Reader reader = new FileReader(sandbox.endpointsFile().toFile())) {
                endpoints.load(reader);
            }
            Drill drill = new Drill(endpoints);
            List<Trial> trials = new ArrayList<>();
            for (int i = 1; i <= TRIALS; i++) {
                Trial trial = trial(sandbox, drill);
                trials.add(trial);
                System.out.printf(Locale.ROOT, "trial %2d: loss → DNS offsite %5d ms (service: recovery %5d ms, data-loss "
                        + "window %4d ms); failback: writes unavailable %5d ms (writer's longest gap %5d ms), rows lost %d%n",
                        i, trial.lossToDnsMs(), trial.recoveryTimeMs(), trial.dataLossWindowMs(),
                        trial.writesUnavailableMs(), trial.longestWriteGapMs(), trial.rowsLost());
            }
            report(trials);
            assertThat(trials).allSatisfy(t -> assertThat(t.rowsLost()).isZero());
        }
    }

    private static Trial trial(Sandbox sandbox, Drill drill) throws Exception {
        // A steady world first: home active and UP for both observers, offsite caught up.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                drill.phaseAndActiveSite().equals("NORMAL home") && drill.verdictOf("home").startsWith("UP")
                        && drill.verdictOf("offsite").startsWith("UP") && sandbox.activeSite().orElse("").equals("home")
                        && caughtUp(drill.state()) && upFor(drill, "home").compareTo(SETTLED) > 0);

        Instant lost = Instant.now();
        sandbox.lose("home");
        int[] polls = {0};
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (++polls[0] % 25 == 0) { // every 0.5 s: the state API is not asked 50 times a second
                drill.approveWhenAskedOnlyForUnreportedConsistency();
            }
            return sandbox.activeSite().orElse("").equals("offsite");
        });
        long lossToDns = Duration.between(lost, Instant.now()).toMillis();
        await().atMost(Duration.ofSeconds(60)).until(() -> drill.phaseAndActiveSite().equals("ON_DR offsite"));
        JsonNode failover = drill.state().path("lastRun");

        Instant cutoff = Instant.parse(failover.path("outageSince").asText())
                .minusMillis(failover.path("dataLossWindowMs").asLong());
        LOSS_WINDOWS.add(new Instant[] {cutoff, Instant.now()});
        sandbox.restore("home");
        await().atMost(Duration.ofSeconds(120)).until(() -> drill.verdictOf("home").startsWith("UP"));
        sandbox.writer().resetLongestGap();
        assertThat(drill.operatorPost("/failback", "benchmark: home is back").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(300)).until(() -> drill.phaseAndActiveSite().equals("NORMAL home"));
        long longestGap = sandbox.writer().longestGap().toMillis();
        JsonNode failback = drill.state().path("lastRun");

        long rowsLost;
        sandbox.writer().pause();
        try {
            List<CommitLedger.Entry> ledger = drill.ledger(null, null);
            List<CommitLedger.Entry> required = ledger.stream().filter(e -> !(e.site().equals("home")
                    && LOSS_WINDOWS.stream().anyMatch(w -> e.at().isAfter(w[0]) && e.at().isBefore(w[1])))).toList();
            rowsLost = LedgerCheck.check(required, ledger, drill.rows("HOME")).missing().size();
        } finally {
            sandbox.writer().resume();
        }
        return new Trial(lossToDns, failover.path("recoveryTimeMs").asLong(-1), failover.path("dataLossWindowMs").asLong(-1),
                failback.path("writesUnavailableMs").asLong(-1), longestGap, rowsLost);
    }

    /** How long both observers have seen {@code site} UP, by their verdicts' own {@code since}. */
    private static Duration upFor(Drill drill, String site) throws Exception {
        Duration shortest = null;
        for (String observer : java.util.List.of("A", "B")) {
            JsonNode view = drill.get(drill.endpoint("LIFEBOAT_SERVICE_HEARTBEAT_OBSERVER_" + observer + "_URL") + "/sites/" + site);
            if (!view.path("verdict").asText().equals("UP") || !view.hasNonNull("since")) {
                return Duration.ZERO;
            }
            Duration up = Duration.between(Instant.parse(view.path("since").asText()), Instant.now());
            shortest = shortest == null || up.compareTo(shortest) < 0 ? up : shortest;
        }
        return shortest;
    }

    /** Every database link into the standby reports less than a second of lag. */
    private static boolean caughtUp(JsonNode state) {
        JsonNode lags = state.path("lags");
        if (lags.isEmpty()) {
            return false;
        }
        for (JsonNode lag : lags) {
            if (lag.path("targetSite").asText().equals(state.path("standbySite").asText()) && lag.path("lagMs").asLong() >= 1000) {
                return false;
            }
        }
        return true;
    }

    private static void report(List<Trial> trials) {
        System.out.println();
        System.out.printf(Locale.ROOT, "disaster cycle, %d trials, %d cores, default settings but cooldown 1 s and flap window %d s%n",
                trials.size(), Runtime.getRuntime().availableProcessors(), SETTLED.toSeconds());
        line("home lost → DNS answers offsite", trials, Trial::lossToDnsMs, "goal < 15000 ms");
        line("  the service's recovery time (outage start → DNS verified)", trials, Trial::recoveryTimeMs, "");
        line("  data-loss window at promotion", trials, Trial::dataLossWindowMs, "");
        line("planned failback: writes unavailable (service)", trials, Trial::writesUnavailableMs, "goal < 5000 ms");
        line("  the demo writer's longest gap between commits", trials, Trial::longestWriteGapMs, "");
        System.out.printf(Locale.ROOT, "%-62s total %d (must be 0)%n", "rows lost", trials.stream().mapToLong(Trial::rowsLost).sum());
    }

    private static void line(String what, List<Trial> trials, ToLongFunction<Trial> figure, String goal) {
        long[] values = trials.stream().mapToLong(figure).sorted().toArray();
        long median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        System.out.printf(Locale.ROOT, "%-62s median %6d ms, worst %6d ms  %s%n", what, median, values[values.length - 1], goal);
    }
}
