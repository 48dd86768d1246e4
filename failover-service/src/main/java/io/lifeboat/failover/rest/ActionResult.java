package io.lifeboat.failover.rest;

import io.lifeboat.events.FailoverPhase;

/** What an accepted action did, in words, and where the state machine is now. */
public record ActionResult(String result, FailoverPhase phase, long epoch, String activeSite, String runId) {
}
