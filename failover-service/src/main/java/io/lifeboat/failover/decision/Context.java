package io.lifeboat.failover.decision;

import java.time.Instant;

/** What every rule is evaluated against: the time now, the policy, and who decides (this instance). */
public record Context(Instant now, Policy policy, String self) {
}
