package io.lifeboat.failover.state;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of a run as persisted: enough to resume it after a restart without doing anything twice.
 *
 * @param kind     what the step does; written as its label under {@code "name"}, as states were always written
 * @param commands the commands of the current attempt, target → commandId (ids are deterministic per attempt)
 * @param results  what the step learnt (applied positions, data-loss window, DNS answers, ...)
 * @param operatorRetries how often an operator gave the step a fresh set of attempts (part of the command ids)
 * @param approval  whether the step holds the switchover for a person
 */
public record StepProgress(int number, @JsonProperty("name") StepKind kind, StepState status, int attempts,
        Instant startedAt, Instant attemptStartedAt, Long durationMs, String reason, Map<String, String> commands,
        Map<String, String> results, int operatorRetries, SwitchoverApproval approval) {

    /** The words a hold was recorded with in {@code results} before {@code approval} existed. */
    private static final String HELD_BEFORE = "awaits an operator's approval";

    public StepProgress {
        commands = commands == null ? Map.of() : Map.copyOf(commands);
        results = results == null ? Map.of() : Map.copyOf(results);
        if (approval == null) {
            // A state written before this field: a hold then was only words in the results, and must still hold.
            approval = HELD_BEFORE.equals(results.get("switchover")) ? SwitchoverApproval.AWAITING
                    : SwitchoverApproval.NONE;
        }
    }

    public static StepProgress pending(int number, StepKind kind) {
        return new StepProgress(number, kind, StepState.PENDING, 0, null, null, null, null, Map.of(), Map.of(), 0,
                SwitchoverApproval.NONE);
    }

    /** The step's name in events, the API and messages: its kind's label. */
    public String name() {
        return kind.label();
    }

    public StepProgress attempt(Instant now, Map<String, String> newCommands, String why) {
        return new StepProgress(number, kind, StepState.RUNNING, attempts + 1, startedAt == null ? now : startedAt,
                now, null, why, newCommands, results, operatorRetries, approval);
    }

    /** Whether the switchover waits for an operator at this step. */
    public boolean awaitingApproval() {
        return approval == SwitchoverApproval.AWAITING;
    }

    /** The step with its hold set (AWAITING) or lifted (APPROVED), and the same in words for people. */
    public StepProgress withApproval(SwitchoverApproval next, String words) {
        Map<String, String> merged = new LinkedHashMap<>(results);
        merged.put("switchover", words);
        return new StepProgress(number, kind, status, attempts, startedAt, attemptStartedAt, durationMs, reason,
                commands, merged, operatorRetries, next);
    }

    public StepProgress finish(StepState finalState, Instant now, String why, Map<String, String> moreResults) {
        Map<String, String> merged = new LinkedHashMap<>(results);
        merged.putAll(moreResults);
        Long duration = startedAt == null ? 0L : Duration.between(startedAt, now).toMillis();
        return new StepProgress(number, kind, finalState, attempts, startedAt == null ? now : startedAt,
                attemptStartedAt, duration, why, commands, merged, operatorRetries, approval);
    }

    /** The step with one more thing learnt, while it runs. */
    public StepProgress withResult(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(results);
        merged.put(key, value);
        return new StepProgress(number, kind, status, attempts, startedAt, attemptStartedAt, durationMs, reason,
                commands, merged, operatorRetries, approval);
    }

    /** Back to a fresh set of attempts (operator retry). */
    public StepProgress resetForRetry() {
        return new StepProgress(number, kind, StepState.PENDING, 0, startedAt, null, null, reason, Map.of(), results,
                operatorRetries + 1, approval);
    }
}
