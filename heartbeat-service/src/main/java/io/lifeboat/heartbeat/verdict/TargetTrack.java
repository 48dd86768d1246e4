package io.lifeboat.heartbeat.verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What one observer has seen of one target: the current streak and a state with hysteresis. The state turns
 * FAILING after N consecutive failures and OK after M consecutive successes, and otherwise stays where it was, so a
 * single lost probe changes nothing. Every change of the raw result is remembered for the flap window.
 */
final class TargetTrack {

    enum State {
        UNKNOWN,
        OK,
        FAILING
    }

    private final String target;
    private boolean critical;
    private State state = State.UNKNOWN;
    private Boolean lastOk;
    private int streak;
    /** When the current streak of equal results began (the observer's clock): the start of the evidence. */
    private Instant streakStart;
    /** The start of the streak that put the track into its state: the start of the evidence for it. */
    private Instant stateSince;
    private Instant lastObservedAt;
    private Instant lastReceivedAt;
    private String lastFailure;
    private final Deque<Instant> changes = new ArrayDeque<>();

    TargetTrack(String target) {
        this.target = target;
    }

    /** Returns false for an observation older than the last one taken: redeliveries never rewind a streak. */
    boolean observe(Observation o, Instant receivedAt, VerdictRules rules) {
        if (lastObservedAt != null && !o.observedAt().isAfter(lastObservedAt)) {
            return false;
        }
        critical = o.critical();
        if (lastOk == null || lastOk != o.ok()) {
            if (lastOk != null) {
                changes.addLast(o.observedAt());
            }
            lastOk = o.ok();
            streak = 1;
            streakStart = o.observedAt();
        } else {
            streak++;
        }
        if (!o.ok()) {
            lastFailure = o.failure();
        }
        State next = o.ok() && streak >= rules.upAfter() ? State.OK
                : !o.ok() && streak >= rules.downAfter() ? State.FAILING
                : state;
        if (next != state) {
            state = next;
            stateSince = streakStart;
        }
        lastObservedAt = o.observedAt();
        lastReceivedAt = receivedAt;
        forgetChangesBefore(lastObservedAt.minus(rules.flapWindow()));
        return true;
    }

    private void forgetChangesBefore(Instant horizon) {
        while (!changes.isEmpty() && changes.peekFirst().isBefore(horizon)) {
            changes.removeFirst();
        }
    }

    String target() {
        return target;
    }

    boolean critical() {
        return critical;
    }

    State state() {
        return state;
    }

    /** Failing right now in the hysteresis sense: N failures in a row and not yet M successes since. */
    boolean failing() {
        return state == State.FAILING;
    }

    boolean flapping(VerdictRules rules) {
        return changes.size() >= rules.flapChanges();
    }

    int changesInWindow() {
        return changes.size();
    }

    /** For a FAILING track, its first failure; for an OK one, the first success of the streak that made it OK. */
    Instant stateSince() {
        return stateSince;
    }

    /** The first result change still inside the flap window. */
    Instant firstChangeInWindow() {
        return changes.peekFirst();
    }

    Instant lastObservedAt() {
        return lastObservedAt;
    }

    boolean freshAt(Instant now, Duration staleAfter) {
        return lastReceivedAt != null && !lastReceivedAt.plus(staleAfter).isBefore(now);
    }

    String lastFailure() {
        return lastFailure;
    }
}
