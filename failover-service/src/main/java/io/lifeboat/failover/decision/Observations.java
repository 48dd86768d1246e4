package io.lifeboat.failover.decision;

import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service knows of the world right now: the newest verdict per site and the newest lag report per link.
 * Immutable; the control loop replaces it as events arrive.
 */
public record Observations(Map<String, SiteVerdictChanged> verdicts, Map<String, ReplicationLag> lags) {

    public static final Observations NONE = new Observations(Map.of(), Map.of());

    public Observations {
        verdicts = Map.copyOf(verdicts);
        lags = Map.copyOf(lags);
    }

    /** Keeps the newer of the known and the given verdict for its site (by {@code since}). */
    public Observations with(SiteVerdictChanged verdict) {
        SiteVerdictChanged known = verdicts.get(verdict.siteId());
        if (known != null && known.since() != null && verdict.since() != null && verdict.since().isBefore(known.since())) {
            return this;
        }
        Map<String, SiteVerdictChanged> copy = new HashMap<>(verdicts);
        copy.put(verdict.siteId(), verdict);
        return new Observations(copy, lags);
    }

    /** Keeps the newer of the known and the given report for its link (by {@code measuredAt}). */
    public Observations with(ReplicationLag lag) {
        ReplicationLag known = lags.get(lag.linkId());
        if (known != null && known.measuredAt() != null && lag.measuredAt() != null
                && lag.measuredAt().isBefore(known.measuredAt())) {
            return this;
        }
        Map<String, ReplicationLag> copy = new HashMap<>(lags);
        copy.put(lag.linkId(), lag);
        return new Observations(verdicts, copy);
    }

    public SiteVerdictChanged verdict(String site) {
        return verdicts.get(site);
    }

    /** The newest lag report of every link that replicates into {@code site}. */
    public List<ReplicationLag> lagsInto(String site) {
        return lags.values().stream().filter(l -> site.equals(l.targetSite()))
                .sorted(java.util.Comparator.comparing(ReplicationLag::linkId)).toList();
    }

    public Instant newestLagReport() {
        return lags.values().stream().map(ReplicationLag::measuredAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }
}
