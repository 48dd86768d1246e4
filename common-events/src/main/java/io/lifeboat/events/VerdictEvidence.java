package io.lifeboat.events;

import java.time.Instant;
import java.util.List;

/**
 * What a verdict rests on.
 *
 * @param agreeingObservers  the observers whose observations support the verdict
 * @param reportingObservers how many observers were reporting (not stale) when it was reached
 * @param locations          the distinct locations of the agreeing observers
 * @param failingTargets     the targets seen failing
 * @param failingSince       when the failure that led to the verdict was first seen; null for UP
 */
public record VerdictEvidence(List<String> agreeingObservers, int reportingObservers, List<String> locations,
        List<String> failingTargets, Instant failingSince) {
}
