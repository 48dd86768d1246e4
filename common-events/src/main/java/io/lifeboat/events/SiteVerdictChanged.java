package io.lifeboat.events;

import java.time.Instant;

/**
 * The verdict on a site changed. Several observers publish the same transition; {@code transitionId} is stable
 * across them (site, verdict and the start of the evidence), so a consumer acts on each transition once.
 *
 * @param reason in words, e.g. "down: 3/3 observers in 2 locations, https://home/health failing for 6.1 s"
 */
public record SiteVerdictChanged(String transitionId, String siteId, Verdict verdict, Verdict previous,
        Instant since, String reason, VerdictEvidence evidence, String decidedBy) implements EventPayload {

    @Override
    public String subject() {
        return siteId;
    }
}
