package io.lifeboat.failover.state;

import java.time.Instant;
import java.util.Objects;

/**
 * Automatic decisions paused by an operator (maintenance mode at runtime, as {@code patronictl pause}): kept in the
 * DR state, so every instance and a restarted leader see it, until {@code POST /resume}. While it holds, the rules
 * start nothing on their own: an outage that would fail over automatically asks a person instead, and no automatic
 * reverse begins. Operators' commands still work.
 *
 * @param by     the operator, as the audit names them ("alice (token:3fa2c1d0)")
 * @param reason why, in their words
 * @param since  when it was paused
 */
public record Pause(String by, String reason, Instant since) {

    public Pause {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
    }

    /** The words every rule gives when the pause holds it back: "paused by alice: patching home". */
    public String why() {
        return "paused by " + by + ": " + reason;
    }
}
