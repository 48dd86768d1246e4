package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one site and everything behind it. {@code since} and {@code transitionId} belong to the
 * transition that led here; {@code reason} and {@code evidence} are kept current while the verdict holds.
 *
 * @param transitionId   the same on every instance that saw the same heartbeats: site, the two verdicts and the
 *                       start of the evidence
 * @param observerViews  what each reporting observer alone makes of the site (UP, DEGRADED, DOWN, UNKNOWN)
 */
public record SiteJudgement(String siteId, Verdict verdict, Verdict previous, Instant since, String reason,
        VerdictEvidence evidence, String transitionId, List<String> flappingTargets,
        Map<String, Verdict> observerViews) {
}
