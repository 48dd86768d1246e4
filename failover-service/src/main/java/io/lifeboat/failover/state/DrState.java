package io.lifeboat.failover.state;

import io.lifeboat.events.FailoverPhase;
import io.lifeboat.events.FailoverState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The DR state as failover-service keeps it on the compacted topic: every field of {@link FailoverState} (so that a
 * dashboard reading the topic as {@code lifeboat.failover.state-changed.v1} sees a conforming event) plus what a
 * restarted leader needs to resume: the pending decision, the run in progress with each step's attempts and command
 * ids, the last run, the verdicts already handled, and a bounded history. The contract allows the extra fields
 * ({@code additionalProperties: true}).
 *
 * <p>{@code runId}, {@code runKind}, {@code currentStep} and {@code stepName} are always derived from {@code run}.
 *
 * @param unfenced a site lost without being fenced (its FENCE went unanswered at failover), until it is fenced on its
 *                 return; null when every site that should be fenced is
 * @param paused   automatic decisions paused by an operator (maintenance mode), until resumed; null: not paused
 */
public record DrState(String stateId, String activeSite, String standbySite, long epoch, FailoverPhase phase,
        String runId, String runKind, int currentStep, String stepName, String reason, String leader,
        Instant updatedAt, Instant epochStartedAt, Instant lastFailoverAt, PendingDecision pending, Run run,
        Run lastRun, List<String> handledTransitions, List<HistoryEntry> history, UnfencedLoss unfenced,
        Pause paused) {

    public static final int HISTORY_LIMIT = 60;
    public static final int HANDLED_LIMIT = 64;

    public DrState {
        Objects.requireNonNull(stateId, "stateId");
        Objects.requireNonNull(phase, "phase");
        if (run != null) {
            runId = run.runId();
            runKind = run.kind().name();
            currentStep = run.currentStep();
            StepProgress current = run.current();
            stepName = current == null ? null : current.name();
        } else {
            runId = null;
            runKind = null;
            currentStep = 0;
            stepName = null;
        }
        handledTransitions = handledTransitions == null ? List.of() : List.copyOf(handledTransitions);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * The first state ever: the home site active, epoch 1. No epoch start: a verdict from before Lifeboat first ran
     * is not stale, the site may have been down already.
     */
    public static DrState initial(String stateId, String homeSite, String otherSite, String leader, Instant now) {
        return new DrState(stateId, homeSite, otherSite, 1, FailoverPhase.NORMAL, null, null, 0, null,
                "initial state: " + homeSite + " active", leader, now, null, null, null, null, null, List.of(),
                List.of(), null, null);
    }

    /** The contract's view of this state. */
    public FailoverState toEvent() {
        return new FailoverState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt);
    }

    /** The phase to return to when nothing is under way: NORMAL at home, ON_DR elsewhere. */
    public FailoverPhase restingPhase(String homeSite) {
        return homeSite.equals(activeSite) ? FailoverPhase.NORMAL : FailoverPhase.ON_DR;
    }

    public boolean handled(String transitionId) {
        return transitionId != null && handledTransitions.contains(transitionId);
    }

    // --- withers: one per thing that changes together ---------------------------------------------------------

    public DrState withPhase(FailoverPhase newPhase, String why) {
        return new DrState(stateId, activeSite, standbySite, epoch, newPhase, runId, runKind, currentStep, stepName,
                why, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, unfenced, paused);
    }

    public DrState withPending(PendingDecision newPending) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, newPending, run, lastRun,
                handledTransitions, history, unfenced, paused);
    }

    public DrState withRun(Run newRun) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, newRun, lastRun,
                handledTransitions, history, unfenced, paused);
    }

    /** The run is over: it becomes the last run. */
    public DrState withRunFinished(Run finished) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, null, null, 0, null, reason, leader,
                updatedAt, epochStartedAt, lastFailoverAt, pending, null, finished, handledTransitions,
                history, unfenced, paused);
    }

    public DrState withEpoch(long newEpoch, Instant startedAt) {
        return new DrState(stateId, activeSite, standbySite, newEpoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, startedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, unfenced, paused);
    }

    /** Roles move: {@code newActive} becomes ACTIVE, the other STANDBY. */
    public DrState withActive(String newActive, String newStandby) {
        return new DrState(stateId, newActive, newStandby, epoch, phase, runId, runKind, currentStep, stepName, reason,
                leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, unfenced, paused);
    }

    public DrState withLastFailoverAt(Instant at) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, at, pending, run, lastRun, handledTransitions,
                history, unfenced, paused);
    }

    public DrState withHandled(String transitionId) {
        if (transitionId == null || handled(transitionId)) {
            return this;
        }
        List<String> copy = new ArrayList<>(handledTransitions);
        copy.add(transitionId);
        while (copy.size() > HANDLED_LIMIT) {
            copy.remove(0);
        }
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, copy,
                history, unfenced, paused);
    }

    public DrState withHistory(HistoryEntry entry) {
        List<HistoryEntry> copy = new ArrayList<>(history);
        copy.add(entry);
        while (copy.size() > HISTORY_LIMIT) {
            copy.remove(0);
        }
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                copy, unfenced, paused);
    }

    public DrState withUnfenced(UnfencedLoss loss) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, loss, paused);
    }

    public DrState withPaused(Pause pause) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, leader, updatedAt, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, unfenced, pause);
    }

    /** Stamped by the store when written. */
    public DrState stamped(String writer, Instant at) {
        return new DrState(stateId, activeSite, standbySite, epoch, phase, runId, runKind, currentStep, stepName,
                reason, writer, at, epochStartedAt, lastFailoverAt, pending, run, lastRun, handledTransitions,
                history, unfenced, paused);
    }
}
