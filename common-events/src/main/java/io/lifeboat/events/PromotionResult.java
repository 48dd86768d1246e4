package io.lifeboat.events;

import java.time.Instant;

/**
 * What a PROMOTE did, as replication-service answers it: the figures failover-service keeps for the run, the
 * data-loss window above all. Typed, so that the most important figure between two services is never a string
 * found again by its key.
 *
 * @param linkId                    the link promoted
 * @param planned                   a switchover (the source fenced and answering): it loses nothing or is refused
 * @param appliedPosition           the last source position applied before the promotion ({@code LSN/txKey})
 * @param appliedCommittedAt        the source's commit time of the last applied transaction; null when none was
 * @param dataLossWindowMs          how much of the source's history may be missing: from {@code appliedCommittedAt} to
 *                                  {@code sourceLostAt}; 0 when planned; null when not known (nothing applied yet,
 *                                  or the answer to a PROMOTE repeated after the link was already promoted)
 * @param sourceLostAt              when the source was lost, as failover-service said (unplanned only)
 * @param partialTransactionChanges changes of a transaction whose END never reached Kafka, kept in the quarantine
 * @param repeated                  the link was already promoted: a PROMOTE sent again (its first answer was lost)
 */
public record PromotionResult(String linkId, boolean planned, String appliedPosition, Instant appliedCommittedAt,
        Long dataLossWindowMs, Instant sourceLostAt, long partialTransactionChanges, boolean repeated) {
}
