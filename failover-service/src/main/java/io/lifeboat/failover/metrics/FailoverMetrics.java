package io.lifeboat.failover.metrics;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.failover.FailoverLoop;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.StepProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The DR state as Prometheus sees it ({@code lifeboat_failover_*}): phase (one series per phase, 1 for the current
 * one), epoch, active site, whether this instance leads, the pending decision, whether automatic decisions are
 * paused, the figures of the last run of each kind, and the duration of every runbook step. Every instance reports the state it read from the state topic; only
 * the leader counts steps and runs, so that two instances do not count them twice.
 */
@ApplicationScoped
public class FailoverMetrics {

    private static final int SEEN_LIMIT = 512;

    private final FailoverLoop loop;
    private final Policy policy;
    private final MeterRegistry meters;
    /** Steps and runs already counted, as runId/step: bounded, oldest forgotten first. */
    private final Set<String> seen = new LinkedHashSet<>();
    private volatile Run lastFailover;
    private volatile Run lastFailback;
    private boolean leading;

    FailoverMetrics(FailoverLoop loop, Policy policy, MeterRegistry meters) {
        this.loop = loop;
        this.policy = policy;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent start) {
        for (FailoverPhase phase : FailoverPhase.values()) {
            state("lifeboat.failover.phase", s -> s.phase() == phase ? 1 : 0, "phase", phase.name());
        }
        state("lifeboat.failover.epoch", DrState::epoch);
        for (String site : new String[] {policy.homeSite(), policy.otherSite()}) {
            state("lifeboat.failover.active.site", s -> site.equals(s.activeSite()) ? 1 : 0, "site", site);
        }
        state("lifeboat.failover.pending.decision", s -> s.pending() == null ? 0 : 1);
        state("lifeboat.failover.awaiting.approval", s -> s.pending() != null && s.pending().awaitingApproval() ? 1 : 0);
        state("lifeboat.failover.paused", s -> s.paused() == null ? 0 : 1);
        Gauge.builder("lifeboat.failover.leader", loop, l -> l.isLeader() ? 1 : 0)
                .description("1 while this instance leads (acts); exactly one instance should").register(meters);
        Gauge.builder("lifeboat.failover.allowed.data.loss.seconds", policy, p -> seconds(p.allowedDataLoss().toMillis()))
                .description("The most data a failover may lose without a person's approval (allowed-data-loss)")
                .register(meters);
        Gauge.builder("lifeboat.failover.last.recovery.time.seconds", this, m -> runFigure(m.lastFailover, Run::recoveryTimeMs))
                .description("Last failover: from the outage's start to users at the new site (DNS verified)")
                .register(meters);
        Gauge.builder("lifeboat.failover.last.data.loss.window.seconds", this,
                        m -> runFigure(m.lastFailover, Run::dataLossWindowMs))
                .description("Last failover: commits at the lost site not known to have reached the standby")
                .register(meters);
        Gauge.builder("lifeboat.failover.last.writes.unavailable.seconds", this,
                        m -> runFigure(m.lastFailback, Run::writesUnavailableMs))
                .description("Last failback: from the fence to users at home (DNS verified)").register(meters);
    }

    /** Once a second: remember the last run of each kind, and (leader only) count finished steps and runs. */
    @Scheduled(every = "1s", identity = "failover-metrics", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void record() {
        Optional<DrState> current = loop.current();
        if (current.isEmpty()) {
            return;
        }
        DrState state = current.get();
        remember(state.lastRun());
        remember(state.run());
        boolean leader = loop.isLeader();
        // A new leader did not run what is already finished: it marks that seen without counting it.
        boolean count = leader && leading;
        leading = leader;
        for (Run run : new Run[] {state.lastRun(), state.run()}) {
            if (run == null) {
                continue;
            }
            for (StepProgress step : run.steps()) {
                if (step.status().finished() || step.status() == io.lifeboat.failover.state.StepState.FAILED) {
                    if (firstSight(run.runId() + "/" + step.number()) && count && step.durationMs() != null) {
                        Timer.builder("lifeboat.failover.step.duration").description("How long each runbook step took")
                                .tags("run_kind", run.kind().name(), "step", step.name(), "outcome", step.status().name())
                                .register(meters).record(Duration.ofMillis(step.durationMs()));
                    }
                }
            }
            if (run.outcome() != null && firstSight(run.runId()) && count) {
                Counter.builder("lifeboat.failover.runs").description("Runbooks finished, by kind and outcome")
                        .tags("run_kind", run.kind().name(), "outcome", run.outcome().name()).register(meters).increment();
            }
        }
    }

    private void remember(Run run) {
        if (run == null || !run.measured()) {
            return;
        }
        switch (run.kind()) {
            case FAILOVER -> lastFailover = run;
            case FAILBACK -> lastFailback = run;
        }
    }

    private boolean firstSight(String key) {
        if (!seen.add(key)) {
            return false;
        }
        if (seen.size() > SEEN_LIMIT) {
            seen.remove(seen.iterator().next());
        }
        return true;
    }

    /** A gauge of the DR state this instance last read; NaN (no sample) before it has read one. */
    private void state(String name, ToDoubleFunction<DrState> figure, String... tags) {
        Gauge.builder(name, loop, l -> l.current().map(figure::applyAsDouble).orElse(Double.NaN)).tags(tags)
                .register(meters);
    }

    private static double runFigure(Run run, java.util.function.Function<Run, Long> millis) {
        Long value = run == null ? null : millis.apply(run);
        return value == null ? Double.NaN : seconds(value);
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
