package io.lifeboat.failover.decision;

import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the service knows of the world right now: the newest verdict per site, the newest lag report per link, and
 * each link's recent reports. Immutable; the control loop replaces it as events arrive.
 *
 * <p>Recent reports are kept because a link's lag keeps growing once its source is lost (nothing new arrives, so
 * the newest change applied grows old by a second every second): the data at risk is the lag as it stood when the
 * source started failing, not the silence since.
 */
public record Observations(Map<String, SiteVerdictChanged> verdicts, Map<String, ReplicationLag> lags,
        Map<String, List<ReplicationLag>> recentLags) {

    public static final Observations NONE = new Observations(Map.of(), Map.of(), Map.of());

    private static final Comparator<ReplicationLag> BY_MEASURED_AT =
            Comparator.comparing(ReplicationLag::measuredAt, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** Longer than any grace period plus the time a verdict takes to form. */
    static final Duration KEEP = Duration.ofMinutes(10);

    public Observations {
        verdicts = Map.copyOf(verdicts);
        lags = Map.copyOf(lags);
        recentLags = Map.copyOf(recentLags);
    }

    /** Only the newest report of each link is known. */
    public Observations(Map<String, SiteVerdictChanged> verdicts, Map<String, ReplicationLag> lags) {
        this(verdicts, lags, lags.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
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

    /** Keeps the report among the link's recent ones, and as its newest unless a newer one is known. */
    public Observations with(ReplicationLag lag) {
        ReplicationLag known = lags.get(lag.linkId());
        Map<String, ReplicationLag> newest = new HashMap<>(lags);
        if (known == null || BY_MEASURED_AT.compare(lag, known) >= 0) {
            newest.put(lag.linkId(), lag);
        }
        List<ReplicationLag> kept = new ArrayList<>(recentLags.getOrDefault(lag.linkId(), List.of()));
        kept.add(lag);
        Instant latest = newest.get(lag.linkId()).measuredAt();
        if (latest != null) {
            Instant horizon = latest.minus(KEEP);
            kept.removeIf(l -> l.measuredAt() != null && l.measuredAt().isBefore(horizon));
        }
        kept.sort(BY_MEASURED_AT);
        Map<String, List<ReplicationLag>> recent = new HashMap<>(recentLags);
        recent.put(lag.linkId(), List.copyOf(kept));
        return new Observations(verdicts, newest, recent);
    }

    public SiteVerdictChanged verdict(String site) {
        return verdicts.get(site);
    }

    /** The newest lag report of every link that replicates into {@code site}. */
    public List<ReplicationLag> lagsInto(String site) {
        return lags.values().stream().filter(l -> site.equals(l.targetSite()))
                .sorted(Comparator.comparing(ReplicationLag::linkId)).toList();
    }

    /**
     * The lag of every link into {@code site} as it stood at {@code at}, the moment its source started failing.
     * Per link: the newest report measured at or before {@code at}; raised where a later report, less the time
     * that passed since {@code at}, says more (the standby fell further behind than silence explains). The report
     * returned is that estimate on the basis report (whose {@code measuredAt} tells how fresh it is).
     */
    public List<ReplicationLag> lagsInto(String site, Instant at) {
        List<ReplicationLag> estimates = new ArrayList<>();
        for (List<ReplicationLag> all : recentLags.values()) {
            // A link turns round at failback: only its reports in this direction count.
            List<ReplicationLag> reports = all.stream().filter(l -> site.equals(l.targetSite())).toList();
            if (reports.isEmpty()) {
                continue;
            }
            ReplicationLag basis = reports.stream().filter(l -> l.measuredAt() != null && !l.measuredAt().isAfter(at))
                    .max(BY_MEASURED_AT).orElse(null);
            long estimate = basis == null ? 0 : basis.lagMs();
            for (ReplicationLag later : reports) {
                if (later.measuredAt() != null && later.measuredAt().isAfter(at)) {
                    long silence = Duration.between(at, later.measuredAt()).toMillis();
                    estimate = Math.max(estimate, later.lagMs() - silence);
                    basis = basis == null ? later : basis;
                }
            }
            if (basis == null) {
                basis = reports.get(0);
                estimate = basis.lagMs();
            }
            estimates.add(new ReplicationLag(basis.linkId(), basis.kind(), basis.sourceSite(), basis.targetSite(),
                    Math.max(0, estimate), basis.pendingEvents(), basis.pendingBytes(), basis.sourcePosition(),
                    basis.appliedPosition(), basis.retainedWalBytes(), basis.state(), basis.measuredAt(),
                    basis.consistency(), basis.lastProvenEqualAt(), basis.progress()));
        }
        estimates.sort(Comparator.comparing(ReplicationLag::linkId));
        return estimates;
    }

    public Instant newestLagReport() {
        return lags.values().stream().map(ReplicationLag::measuredAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }
}
