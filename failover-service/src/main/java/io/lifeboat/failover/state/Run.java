package io.lifeboat.failover.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A failover or failback runbook, as persisted in the DR state.
 *
 * @param outageSince       when the lost site was first seen failing (failover), the start of recovery time
 * @param writesStoppedAt   failback: when writes at the active site were stopped (fence started)
 * @param outcome           null while running; COMPLETED or ABORTED
 */
public record Run(String runId, RunKind kind, String fromSite, String toSite, long epoch, Instant startedAt,
        Instant outageSince, String decisionReason, String decidedBy, boolean forced, int currentStep,
        List<StepProgress> steps, Long dataLossWindowMs, String appliedPosition, Instant writesStoppedAt,
        Instant finishedAt, RunOutcome outcome, Long recoveryTimeMs, Long writesUnavailableMs) {

    public Run {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A run just started at step 1 of {@code steps}: nothing measured, nothing finished yet. */
    public static Run begin(String runId, RunStart start, long epoch, Instant startedAt, List<StepProgress> steps) {
        return new Run(runId, start.kind(), start.fromSite(), start.toSite(), epoch, startedAt, start.outageSince(),
                start.why(), start.decidedBy(), start.forced(), 1, steps, null, null, null, null, null, null, null);
    }

    public StepProgress current() {
        return currentStep >= 1 && currentStep <= steps.size() ? steps.get(currentStep - 1) : null;
    }

    public StepProgress step(int number) {
        return steps.get(number - 1);
    }

    public Run withStep(StepProgress step) {
        List<StepProgress> copy = new ArrayList<>(steps);
        copy.set(step.number() - 1, step);
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                currentStep, copy, dataLossWindowMs, appliedPosition, writesStoppedAt, finishedAt, outcome,
                recoveryTimeMs, writesUnavailableMs);
    }

    public Run withCurrentStep(int number) {
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                number, steps, dataLossWindowMs, appliedPosition, writesStoppedAt, finishedAt, outcome,
                recoveryTimeMs, writesUnavailableMs);
    }

    public Run withDataLoss(Long lossMs, String position) {
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                currentStep, steps, lossMs, position, writesStoppedAt, finishedAt, outcome, recoveryTimeMs,
                writesUnavailableMs);
    }

    /**
     * The figures taken when users reach the new site (DNS verified): recovery time from the outage's start
     * (failover) and writes unavailable from the fence (failback); either is null where its start is.
     */
    public Run measuredAt(Instant verifiedAt) {
        Long recoveryMs = outageSince == null ? null : java.time.Duration.between(outageSince, verifiedAt).toMillis();
        Long unavailableMs = writesStoppedAt == null ? null : java.time.Duration.between(writesStoppedAt, verifiedAt).toMillis();
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                currentStep, steps, dataLossWindowMs, appliedPosition, writesStoppedAt, finishedAt, outcome, recoveryMs,
                unavailableMs);
    }

    /** Whether {@link #measuredAt} was taken. */
    public boolean measured() {
        return recoveryTimeMs != null || writesUnavailableMs != null;
    }

    public Run withWritesStoppedAt(Instant at) {
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                currentStep, steps, dataLossWindowMs, appliedPosition, at, finishedAt, outcome, recoveryTimeMs,
                writesUnavailableMs);
    }

    public Run finished(Instant at, RunOutcome how, Long recoveryMs, Long writesUnavailableMsValue) {
        return new Run(runId, kind, fromSite, toSite, epoch, startedAt, outageSince, decisionReason, decidedBy, forced,
                currentStep, steps, dataLossWindowMs, appliedPosition, writesStoppedAt, at, how, recoveryMs,
                writesUnavailableMsValue);
    }
}
