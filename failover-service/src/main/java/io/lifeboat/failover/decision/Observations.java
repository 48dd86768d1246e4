package io.lifeboat.failover.decision;

import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service knows of the world right now: the newest verdict per site, the newest lag report per link, and
 * each link's recent reports. Immutable; the control loop replaces it as events arrive.
 *
 * <p>The recent reports are kept because a link's lag keeps growing once its source is lost (nothing new arrives,
 * so the newest change applied grows old): the data at risk is the lag as it stood when the source started failing.
 */
public record Observations(Map<String, SiteVerdictChanged> verdicts, Map<String, ReplicationLag> lags,
        Map<String, List<ReplicationLag>> recentLags) {

    public static final Observations NONE = new Observations(Map.of(), Map.of(), Map.of());

    /** Longer than any grace period and the time a verdict takes to form. */
    static final Duration KEEP = Duration.ofMinutes(10);

    public Observations {
        verdicts = Map.copyOf(verdicts);
        lags = Map.copyOf(lags);
        recentLags = Map.copyOf(recentLags);
    }

    public Observations(Map<String, SiteVerdictChanged> verdicts, Map<String, ReplicationLag> lags) {
        this(verdicts, lags, lags.entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    /** Keeps the newer of the known and the given verdict for its site (by {@code since}). */
    public Observations with(SiteVerdictChanged verdict) {
        SiteVerdictChanged known = verdicts.get(verdict.siteId());
        if (known != null && known.since() != null && verdict.since() != null && verdict.since().isBefore(known.since())) {
            return this;
        }
        Map<String, SiteVerdictChanged> copy = new HashMap<>(verdicts);
        copy.put(verdict.siteId(), verdict);
        return new Observations(copy, lags, recentLags);
    }

    /** Keeps the newer of the known and the given report as the link's newest (by {@code measuredAt}), both as recent. */
    public Observations with(ReplicationLag lag) {
        ReplicationLag known = lags.get(lag.linkId());
        boolean older = known != null && known.measuredAt() != null && lag.measuredAt() != null
                && lag.measuredAt().isBefore(known.measuredAt());
        Map<String, ReplicationLag> copy = new HashMap<>(lags);
        if (!older) {
            copy.put(lag.linkId(), lag);
        }
        Map<String, List<ReplicationLag>> recent = new HashMap<>(recentLags);
        List<ReplicationLag> kept = new ArrayList<>(recent.getOrDefault(lag.linkId(), List.of()));
        kept.add(lag);
        kept.sort(java.util.Comparator.comparing(ReplicationLag::measuredAt,
                java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
        Instant newest = copy.get(lag.linkId()).measuredAt();
        if (newest != null) {
            Instant horizon = newest.minus(KEEP);
            kept.removeIf(l -> l.measuredAt() != null && l.measuredAt().isBefore(horizon));
        }
        recent.put(lag.linkId(), List.copyOf(kept));
        return new Observations(verdicts, copy, recent);
    }

    public SiteVerdictChanged verdict(String site) {
        return verdicts.get(site);
    }

    /** The newest lag report of every link that replicates into {@code site}. */
    public List<ReplicationLag> lagsInto(String site) {
        return lags.values().stream().filter(l -> site.equals(l.targetSite()))
                .sorted(java.util.Comparator.comparing(ReplicationLag::linkId)).toList();
    }

    /**
     * The lag of every link into {@code site} as it stood at {@code at}: per link the newest report measured at or
     * before it, or, where none is that old, the earliest report kept.
     */
    public List<ReplicationLag> lagsInto(String site, Instant at) {
        return recentLags.values().stream()
                .map(reports -> reports.stream()
                        .filter(l -> l.measuredAt() != null && !l.measuredAt().isAfter(at))
                        .max(java.util.Comparator.comparing(ReplicationLag::measuredAt))
                        .orElse(reports.get(0)))
                .filter(l -> site.equals(l.targetSite()))
                .sorted(java.util.Comparator.comparing(ReplicationLag::linkId)).toList();
    }

    public Instant newestLagReport() {
        return lags.values().stream().map(ReplicationLag::measuredAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }
}
