package io.lifeboat.replication.state;

import java.time.Instant;

/**
 * What a link must remember across restarts, as stored (JSON, key = link id) in the compacted state topic.
 *
 * @param sourceSite the site the link currently reads from (after REVERSE: the configured target)
 * @param targetSite the site the link currently applies to
 * @param connector  the Debezium connector name (its offsets are keyed by it; REVERSE starts a new one)
 * @param epoch      the newest epoch of any command this link admitted; older ones are refused
 * @param phase      RUNNING, PAUSED, DRAINED or PROMOTED: what the link does when it starts again
 */
public record PersistedLink(String linkId, String sourceSite, String targetSite, String connector, long epoch,
        Phase phase, Instant updatedAt) {

    public enum Phase {
        RUNNING, PAUSED, DRAINED, PROMOTED
    }
}
