package io.lifeboat.events;

import java.time.Instant;

/**
 * The dashboards' feed: one per link per second at least, also while idle.
 *
 * @param lagMs             source commit (or arrival) time of the newest change against its application; 0 when
 *                          caught up
 * @param pendingEvents     changes (or files) produced but not yet applied (mirrored)
 * @param pendingBytes      their size, where known
 * @param sourcePosition    the newest position produced at the source (an LSN for databases), where known
 * @param appliedPosition   the newest position applied at the target
 * @param retainedWalBytes  WAL the source's replication slot holds back (databases only)
 * @param consistency       whether the standby is a state the source had (databases only; null for files, and
 *                          from producers older than this field: treat as not known to be consistent)
 * @param lastProvenEqualAt the last time a comparison by hashes found both databases equal (databases only; null
 *                          when none has since the producer started, for files, and from older producers)
 * @param progress          long work under way on the link (a copy of tables, a reconcile), null when none
 */
public record ReplicationLag(String linkId, LinkKind kind, String sourceSite, String targetSite, long lagMs,
        long pendingEvents, Long pendingBytes, String sourcePosition, String appliedPosition, Long retainedWalBytes,
        LinkState state, Instant measuredAt, StandbyConsistency consistency, Instant lastProvenEqualAt,
        WorkProgress progress) implements EventPayload {

    /** The same measurement with no work under way. */
    public ReplicationLag(String linkId, LinkKind kind, String sourceSite, String targetSite, long lagMs,
            long pendingEvents, Long pendingBytes, String sourcePosition, String appliedPosition,
            Long retainedWalBytes, LinkState state, Instant measuredAt, StandbyConsistency consistency,
            Instant lastProvenEqualAt) {
        this(linkId, kind, sourceSite, targetSite, lagMs, pendingEvents, pendingBytes, sourcePosition,
                appliedPosition, retainedWalBytes, state, measuredAt, consistency, lastProvenEqualAt, null);
    }

    /** The same measurement without a comparison's verdict. */
    public ReplicationLag(String linkId, LinkKind kind, String sourceSite, String targetSite, long lagMs,
            long pendingEvents, Long pendingBytes, String sourcePosition, String appliedPosition,
            Long retainedWalBytes, LinkState state, Instant measuredAt, StandbyConsistency consistency) {
        this(linkId, kind, sourceSite, targetSite, lagMs, pendingEvents, pendingBytes, sourcePosition,
                appliedPosition, retainedWalBytes, state, measuredAt, consistency, null, null);
    }

    /** The same measurement without the consistency verdict (file links, old producers). */
    public ReplicationLag(String linkId, LinkKind kind, String sourceSite, String targetSite, long lagMs,
            long pendingEvents, Long pendingBytes, String sourcePosition, String appliedPosition,
            Long retainedWalBytes, LinkState state, Instant measuredAt) {
        this(linkId, kind, sourceSite, targetSite, lagMs, pendingEvents, pendingBytes, sourcePosition,
                appliedPosition, retainedWalBytes, state, measuredAt, null, null, null);
    }

    @Override
    public String subject() {
        return linkId;
    }
}
