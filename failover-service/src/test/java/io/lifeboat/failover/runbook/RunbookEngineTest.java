package io.lifeboat.failover.runbook;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.StepStatus;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.failover.decision.Context;
import io.lifeboat.failover.decision.FailoverRules;
import io.lifeboat.failover.decision.Observations;
import io.lifeboat.failover.decision.Transition;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.RunOutcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.lifeboat.failover.decision.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class RunbookEngineTest {

    private static final Instant NOW = T0.plusSeconds(600);
    private final Driver driver = new Driver();

    private DrState failingOver() {
        return FailoverRules.onVerdict(initial(), healthy(NOW).with(down("home", NOW.minusSeconds(6))),
                down("home", NOW.minusSeconds(6)), at(NOW)).next();
    }

    private List<FailoverStep> steps() {
        return driver.sent.stream().filter(o -> o.type() == EventTypes.FAILOVER_STEP).map(o -> (FailoverStep) o.payload()).toList();
    }

    @Test
    void aFailoverFencesDrainsPromotesSwitchesAndVerifiesThenReportsRecoveryAndLoss() {
        DrState s = driver.run(failingOver(), healthy(NOW), at(NOW.plusSeconds(1)));

        assertThat(s.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(s.activeSite()).isEqualTo("offsite");
        assertThat(s.standbySite()).isEqualTo("home");
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.run()).isNull();
        assertThat(s.lastRun().outcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(s.lastRun().dataLossWindowMs()).isEqualTo(400);
        assertThat(s.lastRun().recoveryTimeMs()).isEqualTo(8500); // failing since NOW-7.5 s, verified at NOW+1 s
        assertThat(s.lastFailoverAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(driver.issued).extracting(c -> c.command()).containsExactly(CommandName.FENCE, CommandName.DRAIN,
                CommandName.PROMOTE);
        assertThat(driver.issued).allSatisfy(c -> assertThat(c.epoch()).isEqualTo(2));
        assertThat(driver.issued.get(0).target()).isEqualTo("home");
        assertThat(driver.issued.get(2).parameters().sourceLostAt()).isNotNull();
        assertThat(driver.dnsSwitches).containsExactly("offsite");
        assertThat(driver.dnsEpochs).containsExactly(2L);
        assertThat(steps()).filteredOn(st -> st.status() == StepStatus.COMPLETED).extracting(FailoverStep::name)
                .containsExactly("fence-old-active", "drain", "promote", "switch-dns", "verify-dns", "done");
        assertThat(steps()).filteredOn(st -> st.status() != StepStatus.STARTED).allSatisfy(st ->
                assertThat(st.durationMs()).isNotNull());
        assertThat(s.reason()).contains("failover complete: offsite active at epoch 2")
                .contains("recovery time 8.5 s").contains("data-loss window 0.4 s");
    }

    @Test
    void anUnreachableOldActiveIsRecordedAndTheRunbookGoesOn() {
        driver.answer = c -> c.command() == CommandName.FENCE ? null : CommandOutcome.DONE;
        DrState waiting = driver.run(failingOver(), healthy(NOW), at(NOW));
        assertThat(waiting.run().current().name()).isEqualTo("fence-old-active");
        assertThat(waiting.phase()).isEqualTo(FailoverPhase.FAILING_OVER);

        DrState s = driver.run(waiting, healthy(NOW), at(NOW.plus(POLICY.fenceTimeout())));
        assertThat(s.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(s.lastRun().step(2).reason()).contains("old active home not fenced").contains("going on");
        assertThat(s.lastRun().step(2).results()).containsEntry("fenced", "false");
        // Typed, not only words: the site is fenced the moment it answers again.
        assertThat(s.unfenced()).isNotNull();
        assertThat(s.unfenced().siteId()).isEqualTo("home");
        assertThat(s.unfenced().since()).isEqualTo(NOW);
        assertThat(driver.sent).filteredOn(o -> o.payload() instanceof AlertRaised)
                .extracting(o -> ((AlertRaised) o.payload()).kind()).contains("SITE_UNFENCED");
    }

    @Test
    void aStepThatKeepsFailingStopsTheRunbookAsStuckWithAnAlertAndAnOperatorCanRetry() {
        driver.answer = c -> c.command() == CommandName.PROMOTE ? CommandOutcome.FAILED : CommandOutcome.DONE;
        DrState stuck = driver.run(failingOver(), healthy(NOW), at(NOW));

        assertThat(stuck.phase()).isEqualTo(FailoverPhase.STUCK);
        assertThat(stuck.run().current().name()).isEqualTo("promote");
        assertThat(stuck.run().current().attempts()).isEqualTo(POLICY.stepAttempts());
        assertThat(driver.issued).filteredOn(c -> c.command() == CommandName.PROMOTE).hasSize(3)
                .extracting(c -> c.commandId()).doesNotHaveDuplicates();
        assertThat(driver.sent).anySatisfy(o -> assertThat(o.payload()).isInstanceOfSatisfying(AlertRaised.class,
                a -> assertThat(a.kind()).isEqualTo("FAILOVER_STUCK")));
        assertThat(stuck.activeSite()).isEqualTo("home");

        List<String> failedIds = driver.issued.stream().map(c -> c.commandId()).toList();
        driver.answer = c -> CommandOutcome.DONE;
        DrState retried = FailoverRules.retryStep(stuck, 4, "alice", "operator", "promoted the replica's disk", at(NOW)).next();
        DrState s = driver.run(retried, healthy(NOW), at(NOW.plusSeconds(1)));
        assertThat(s.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(s.activeSite()).isEqualTo("offsite");
        assertThat(driver.issued).filteredOn(c -> c.command() == CommandName.PROMOTE).extracting(c -> c.commandId())
                .hasSize(4).doesNotHaveDuplicates().containsAll(failedIds.stream().filter(id -> id.contains("promote")).toList());
    }

    @Test
    void skippingAStuckPromoteStillMovesTheRoles() {
        driver.answer = c -> c.command() == CommandName.PROMOTE ? CommandOutcome.REFUSED : CommandOutcome.DONE;
        DrState stuck = driver.run(failingOver(), healthy(NOW), at(NOW));
        var skip = FailoverRules.skipStep(stuck, 4, "alice", "operator", "promoted by hand", at(NOW));
        driver.sent.addAll(skip.out());
        DrState skipped = skip.next();
        DrState s = driver.run(skipped, healthy(NOW), at(NOW));
        assertThat(s.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(s.activeSite()).isEqualTo("offsite");
        assertThat(s.lastRun().step(4).status()).isEqualTo(io.lifeboat.failover.state.StepState.SKIPPED);
        assertThat(steps()).anySatisfy(st -> assertThat(st.status()).isEqualTo(StepStatus.SKIPPED));
    }

    @Test
    void aRestartedLeaderResumesFromTheStoredStateWithoutIssuingTheSameCommandTwice() throws Exception {
        driver.answer = c -> null; // nothing answers yet
        DrState waiting = driver.run(failingOver(), healthy(NOW), at(NOW));
        assertThat(driver.issued).hasSize(1);

        // Through the JSON the compacted topic holds, as a new leader would read it.
        byte[] json = EventJson.mapper().writeValueAsBytes(waiting);
        DrState restored = EventJson.mapper().readValue(json, DrState.class);
        assertThat(restored).isEqualTo(waiting);

        Driver resumed = new Driver();
        resumed.replies.put(driver.issued.get(0).commandId(), new io.lifeboat.events.CommandFinished(
                driver.issued.get(0).commandId(), CommandName.FENCE, 2, "home", CommandOutcome.DONE, "fenced", "t",
                java.util.Map.of(), NOW));
        DrState s = resumed.run(restored, healthy(NOW), at(NOW.plusSeconds(1)));
        assertThat(s.phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(resumed.issued).extracting(c -> c.command()).containsExactly(CommandName.DRAIN, CommandName.PROMOTE);
    }

    @Test
    void aFailbackReversesCatchesUpAndSwitchesOverWithZeroLoss() {
        DrState onDr = driver.run(failingOver(), healthy(NOW), at(NOW));
        Instant later = NOW.plusSeconds(3600);
        Observations homeBack = Observations.NONE.with(up("home", later.minusSeconds(60)));
        Context cx = at(later);
        DrState failingBack = FailoverRules.requestFailback(onDr, homeBack, "alice", "operator", "home repaired", false, cx).next();
        driver.issued.clear();
        driver.promoteLoss = 0L;

        DrState waitingForCatchUp = driver.run(failingBack, homeBack, cx);
        assertThat(waitingForCatchUp.run().current().name()).isEqualTo("catch-up");

        Observations caughtUp = homeBack.with(lag("offsite", "home", 120, later.plusSeconds(1)));
        DrState s = driver.run(waitingForCatchUp, caughtUp, at(later.plusSeconds(2)));

        assertThat(s.phase()).isEqualTo(FailoverPhase.NORMAL);
        assertThat(s.activeSite()).isEqualTo("home");
        assertThat(s.epoch()).isEqualTo(3);
        assertThat(driver.issued).extracting(c -> c.command()).containsExactly(CommandName.REVERSE, CommandName.FENCE,
                CommandName.DRAIN, CommandName.PROMOTE, CommandName.REVERSE);
        assertThat(driver.issued.get(1).target()).isEqualTo("offsite");
        assertThat(driver.dnsSwitches).containsExactly("offsite", "home");
        assertThat(s.lastRun().dataLossWindowMs()).isZero();
        // Every step of this run happens at the one instant of its context's clock (the next test moves the clock).
        assertThat(s.lastRun().writesUnavailableMs()).isZero();
        assertThat(s.reason()).contains("failback complete: home active at epoch 3").contains("writes unavailable");
    }

    @Test
    void writesAreUnavailableFromTheFenceUntilDnsIsVerifiedNotUntilReplicationResumes() {
        DrState onDr = driver.run(failingOver(), healthy(NOW), at(NOW));
        Instant later = NOW.plusSeconds(3600);
        Observations caughtUp = Observations.NONE.with(up("home", later.minusSeconds(60)))
                .with(lag("offsite", "home", 120, later));
        DrState failingBack = FailoverRules.requestFailback(onDr, caughtUp, "alice", "operator", "home repaired", false,
                at(later)).next();
        driver.promoteLoss = 0L;
        int[] reverses = {0};
        driver.answer = c -> c.command() == CommandName.REVERSE && ++reverses[0] == 2 ? null : CommandOutcome.DONE;

        DrState resuming = driver.run(failingBack, caughtUp, at(later));
        assertThat(resuming.run().current().name()).isEqualTo("reprotect");
        CommandIssued reverse = driver.issued.get(driver.issued.size() - 1);
        driver.replies.put(reverse.commandId(), new CommandFinished(reverse.commandId(), reverse.command(), reverse.epoch(),
                reverse.target(), CommandOutcome.DONE, "resynced", "test", java.util.Map.of(), later.plusSeconds(40)));
        DrState s = driver.run(resuming, caughtUp, at(later.plusSeconds(40)));

        assertThat(s.phase()).isEqualTo(FailoverPhase.NORMAL);
        assertThat(s.lastRun().writesUnavailableMs()).isZero();
        assertThat(s.reason()).contains("writes unavailable 0 s");
    }

    /** failback.automatic-reverse: home back and stable starts the failback; the switchover waits for a person. */
    @Test
    void anAutomaticReverseStartsWhenHomeIsStableAndHoldsTheSwitchoverForAnOperator() {
        DrState onDr = driver.run(failingOver(), healthy(NOW), at(NOW));
        Instant later = NOW.plusSeconds(3600);
        Context auto = new Context(later, POLICY.withAutomaticReverse(java.time.Duration.ofMinutes(5)), "failover-test");
        Observations homeBack = Observations.NONE.with(up("home", later.minusSeconds(60)))
                .with(lag("offsite", "home", 120, later));

        Transition tooSoon = FailoverRules.onTick(onDr, homeBack, auto);
        assertThat(tooSoon.next().phase()).isEqualTo(FailoverPhase.ON_DR);
        assertThat(tooSoon.reason()).isEqualTo("on DR; home UP for 60 s of 5 min before an automatic reverse");
        assertThat(FailoverRules.onTick(onDr, homeBack, at(later)).next().phase())
                .as("off by default").isEqualTo(FailoverPhase.ON_DR);

        Observations stable = Observations.NONE.with(up("home", later.minusSeconds(400))).with(lag("offsite", "home", 120, later));
        Transition started = FailoverRules.onTick(onDr, stable, auto);
        assertThat(started.next().phase()).isEqualTo(FailoverPhase.FAILING_BACK);
        assertThat(started.reason()).startsWith("automatic reverse: home UP for 6 min");
        assertThat(started.out()).filteredOn(o -> o.type() == EventTypes.ALERT_RAISED).hasSize(1);
        driver.issued.clear();
        driver.promoteLoss = 0L;

        DrState held = driver.run(started.next(), stable, auto);
        assertThat(held.phase()).isEqualTo(FailoverPhase.FAILING_BACK);
        assertThat(held.run().current().name()).isEqualTo("catch-up");
        assertThat(held.activeSite()).isEqualTo("offsite");
        assertThat(driver.issued).extracting(c -> c.command()).containsExactly(CommandName.REVERSE);
        assertThat(held.run().current().approval()).isEqualTo(io.lifeboat.failover.state.SwitchoverApproval.AWAITING);

        // A state written before the hold was typed (the hold only as words in the step's results) still holds.
        com.fasterxml.jackson.databind.JsonNode stored = EventJson.mapper().valueToTree(held);
        assertThat(stored.findParents("approval")).isNotEmpty();
        stored.findParents("approval").forEach(n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("approval"));
        assertThat(stored.findValues("approval")).as("written without the field").isEmpty();
        DrState written = assertDoesNotThrow(() -> EventJson.mapper().treeToValue(stored, DrState.class));
        assertThat(written.run().current().awaitingApproval()).isTrue();
        DrState stillHeld = new Driver().run(written, stable, auto);
        assertThat(stillHeld.run().current().name()).isEqualTo("catch-up");
        assertThat(stillHeld.phase()).isEqualTo(FailoverPhase.FAILING_BACK);

        Transition approved = FailoverRules.approve(held, stable, "alice", "operator", "home checked", auto);
        assertThat(approved.reason()).isEqualTo("switchover to home approved by alice: home checked");
        DrState s = driver.run(approved.next(), stable, auto);
        assertThat(s.phase()).isEqualTo(FailoverPhase.NORMAL);
        assertThat(s.activeSite()).isEqualTo("home");
        assertThat(driver.issued).extracting(c -> c.command()).containsExactly(CommandName.REVERSE, CommandName.FENCE,
                CommandName.DRAIN, CommandName.PROMOTE, CommandName.REVERSE);
    }

    @Test
    void aDnsSwitchThatKeepsFailingEndsStuck() {
        driver.dnsWorks = false;
        DrState s = driver.run(failingOver(), healthy(NOW), at(NOW));
        assertThat(s.phase()).isEqualTo(FailoverPhase.STUCK);
        assertThat(s.run().current().name()).isEqualTo("switch-dns");
        assertThat(s.reason()).contains("DNS update failed: REFUSED");
    }

    @Test
    void aDnsSwitchRefusedForItsEpochEndsStuckAtOnceWithoutRetrying() {
        driver.dnsHoldsNewerEpoch = true;
        DrState s = driver.run(failingOver(), healthy(NOW), at(NOW));
        assertThat(s.phase()).isEqualTo(FailoverPhase.STUCK);
        assertThat(s.run().current().name()).isEqualTo("switch-dns");
        assertThat(s.run().current().attempts()).isEqualTo(1);
        assertThat(s.reason()).contains("not retried").contains("DNS holds epoch 3");
        assertThat(driver.sent).anyMatch(o -> o.type() == EventTypes.ALERT_RAISED
                && ((AlertRaised) o.payload()).reason().contains("not retried"));
    }
}
