package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The verdict logic: a pure function of the observations it has been given and of the time it is told. No clock,
 * no I/O, no threads (callers serialise access). Every instance that is fed the same heartbeats in the same order
 * reaches the same verdicts with the same transition ids.
 *
 * <p>How a verdict is reached, per site:
 * <ol>
 * <li>Each observer's targets carry hysteresis ({@link TargetTrack}): FAILING after N failures in a row, OK again
 *     after M successes in a row; a target whose result changed K times within the flap window flaps.</li>
 * <li>Each reporting observer alone sees the site DOWN (all its critical targets FAILING), DEGRADED (something
 *     failing or flapping), UP (everything OK) or cannot tell yet.</li>
 * <li>The site is DOWN when a quorum of the reporting observers, spanning enough locations, sees it DOWN; UP when
 *     every reporting observer sees it UP; DEGRADED when any sees trouble short of that; otherwise the verdict
 *     stays as it was. Stale observers are not reporting: silence is never a vote for DOWN.</li>
 * </ol>
 */
public final class VerdictEngine {

    private final VerdictRules rules;
    private final Map<String, ObserverState> observers = new TreeMap<>();
    private final Map<String, SiteState> sites = new TreeMap<>();

    public VerdictEngine(VerdictRules rules, Collection<String> knownSites) {
        this.rules = Objects.requireNonNull(rules);
        knownSites.forEach(site -> sites.put(site, new SiteState(site)));
    }

    public VerdictRules rules() {
        return rules;
    }

    /** Takes one heartbeat received at {@code now} and judges its site again. */
    public List<Finding> observe(Observation o, Instant now) {
        List<Finding> findings = new ArrayList<>();
        ObserverState observer = observers.computeIfAbsent(o.observerId(), ObserverState::new);
        observer.location = o.location();
        observer.lastSeen = now;
        if (observer.stale) {
            observer.stale = false;
            findings.add(new Finding.ObserverBack(observer.status(), "observer " + o.observerId() + " in "
                    + o.location() + " is reporting again"));
        }
        SiteState site = sites.computeIfAbsent(o.siteId(), SiteState::new);
        site.tracks.computeIfAbsent(o.observerId() + " " + o.target(), k -> new TargetTrack(o.target()))
                .observe(o, now, rules);
        site.observerOf.put(o.observerId() + " " + o.target(), o.observerId());
        site.lastHeartbeat = o.observerId() + " " + o.target() + " " + o.observedAt();
        site.transitionsSinceHeartbeat = 0;
        judge(site, now, findings);
        return findings;
    }

    /** Finds observers that went silent and judges every site again: call it every second or so. */
    public List<Finding> evaluate(Instant now) {
        List<Finding> findings = new ArrayList<>();
        for (var it = observers.values().iterator(); it.hasNext(); ) {
            ObserverState observer = it.next();
            Duration silent = Duration.between(observer.lastSeen, now);
            if (!observer.stale && silent.compareTo(rules.staleAfter()) > 0) {
                observer.stale = true;
                findings.add(new Finding.ObserverStale(observer.status(), "observer " + observer.id + " in "
                        + observer.location + " is stale: silent for " + seconds(silent)
                        + " (stale after " + seconds(rules.staleAfter()) + "); left out of every verdict"));
            } else if (observer.stale && silent.compareTo(rules.forgetAfter()) > 0) {
                it.remove();
                sites.values().forEach(site -> site.forget(observer.id));
                findings.add(new Finding.ObserverForgotten(observer.status(), "observer " + observer.id + " in "
                        + observer.location + " forgotten after " + seconds(silent) + " of silence"));
            }
        }
        for (SiteState site : sites.values()) {
            judge(site, now, findings);
        }
        return findings;
    }

    public List<SiteJudgement> sites() {
        return sites.values().stream().map(SiteState::judgement).toList();
    }

    public Optional<SiteJudgement> site(String siteId) {
        return Optional.ofNullable(sites.get(siteId)).map(SiteState::judgement);
    }

    public List<ObserverStatus> observers() {
        return observers.values().stream().map(ObserverState::status).toList();
    }

    private void judge(SiteState site, Instant now, List<Finding> findings) {
        Map<String, List<TargetTrack>> tracksByObserver = new TreeMap<>();
        site.tracks.forEach((key, track) -> {
            ObserverState observer = observers.get(site.observerOf.get(key));
            if (observer != null && !observer.stale && track.freshAt(now, rules.staleAfter())) {
                tracksByObserver.computeIfAbsent(observer.id, id -> new ArrayList<>()).add(track);
            }
        });
        List<ObserverView> views = tracksByObserver.entrySet().stream()
                .map(e -> ObserverView.of(observers.get(e.getKey()), e.getValue(), rules))
                .toList();

        TreeSet<String> flapping = views.stream().flatMap(v -> v.flapping.stream()).map(TargetTrack::target)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!flapping.isEmpty() && site.flapping.isEmpty()) {
            findings.add(new Finding.FlappingStarted(site.id, List.copyOf(flapping), site.id + " flapping: "
                    + flapDetails(views) + "; held at DEGRADED until it settles"));
        } else if (flapping.isEmpty() && !site.flapping.isEmpty()) {
            findings.add(new Finding.FlappingStopped(site.id, site.id + " no longer flapping: no target changed "
                    + rules.flapChanges() + " times within " + seconds(rules.flapWindow())));
        }
        site.flapping = List.copyOf(flapping);
        site.views = views.stream().collect(Collectors.toMap(v -> v.observer.id, v -> v.view, (a, b) -> a, TreeMap::new));

        Candidate candidate = candidate(site, views, now);
        if (candidate.verdict == site.verdict) {
            site.reason = candidate.reason;
            site.evidence = candidate.evidence;
            return;
        }
        if (candidate.keepCurrent) {
            site.reason = candidate.reason;
            return;
        }
        Verdict previous = site.verdict;
        site.previous = previous;
        site.verdict = candidate.verdict;
        site.since = candidate.since;
        site.reason = candidate.reason;
        site.evidence = candidate.evidence;
        site.transitionId = TransitionIds.of(site.id, previous, candidate.verdict, candidate.since,
                site.lastHeartbeat + "#" + site.transitionsSinceHeartbeat++);
        findings.add(new Finding.VerdictChanged(site.judgement()));
    }

    private Candidate candidate(SiteState site, List<ObserverView> views, Instant now) {
        if (views.isEmpty()) {
            Instant lastHeard = site.tracks.values().stream().map(TargetTrack::lastObservedAt).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            List<String> stale = observers.values().stream().filter(o -> o.stale).map(o -> o.id).toList();
            String reason = "unknown: no observer is reporting on " + site.id
                    + (stale.isEmpty() ? "" : " (stale: " + String.join(", ", stale) + ")");
            if (lastHeard == null) {
                return Candidate.keep(reason);
            }
            return new Candidate(Verdict.UNKNOWN, lastHeard, reason,
                    new VerdictEvidence(List.of(), 0, List.of(), List.of(), null), false);
        }
        int reporting = views.size();
        int required = Math.max(rules.minAgreeing(), rules.quorum().required(reporting));
        int reportingLocations = (int) views.stream().map(v -> v.observer.location).distinct().count();
        int locationsNeeded = Math.min(rules.minLocations(), reportingLocations);
        List<ObserverView> down = views.stream().filter(v -> v.view == Verdict.DOWN).toList();
        List<String> downLocations = locations(down);

        if (down.size() >= required && downLocations.size() >= locationsNeeded) {
            TreeSet<String> targets = down.stream().flatMap(v -> v.critical.stream()).map(TargetTrack::target)
                    .collect(Collectors.toCollection(TreeSet::new));
            Instant since = down.stream().flatMap(v -> v.critical.stream()).map(TargetTrack::stateSince)
                    .min(Comparator.naturalOrder()).orElseThrow();
            String reason = "down: " + down.size() + "/" + reporting + " observers in " + plural(downLocations.size(), "location")
                    + ", " + targets.stream().map(t -> failingFor(t, down, now)).collect(Collectors.joining(", "));
            return new Candidate(Verdict.DOWN, since, reason,
                    new VerdictEvidence(ids(down), reporting, downLocations, List.copyOf(targets), since), false);
        }

        List<ObserverView> troubled = views.stream()
                .filter(v -> v.view == Verdict.DOWN || v.view == Verdict.DEGRADED).toList();
        if (!troubled.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!down.isEmpty()) {
                parts.add(down.size() + "/" + reporting + " observers (" + down.stream()
                        .map(v -> v.observer.id + " in " + v.observer.location).collect(Collectors.joining(", "))
                        + ") see every critical target failing, short of the quorum of " + plural(required, "observer")
                        + " in " + plural(locationsNeeded, "location"));
            }
            TreeSet<String> failingTargets = new TreeSet<>();
            Instant since = null;
            Map<String, List<ObserverView>> failingAt = new TreeMap<>();
            for (ObserverView v : troubled) {
                for (TargetTrack t : v.failing) {
                    failingAt.computeIfAbsent(t.target(), k -> new ArrayList<>()).add(v);
                    since = earliest(since, t.stateSince());
                }
                for (TargetTrack t : v.flapping) {
                    since = earliest(since, t.firstChangeInWindow());
                }
            }
            failingAt.forEach((target, at) -> {
                failingTargets.add(target);
                parts.add(failingFor(target, at, now) + " at " + at.size() + "/" + reporting + " observers");
            });
            if (!site.flapping.isEmpty()) {
                failingTargets.addAll(site.flapping);
                parts.add("flapping: " + flapDetails(views));
            }
            return new Candidate(Verdict.DEGRADED, since, "degraded: " + String.join("; ", parts),
                    new VerdictEvidence(ids(troubled), reporting, locations(troubled), List.copyOf(failingTargets), since),
                    false);
        }

        if (views.stream().allMatch(v -> v.view == Verdict.UP)) {
            Instant since = views.stream().flatMap(v -> v.tracks.stream()).map(TargetTrack::stateSince)
                    .max(Comparator.naturalOrder()).orElseThrow();
            long targets = views.stream().flatMap(v -> v.tracks.stream()).map(TargetTrack::target).distinct().count();
            String reason = "up: " + reporting + "/" + reporting + " observers in " + plural(reportingLocations, "location")
                    + " see " + (targets == 1 ? "the target" : "all " + targets + " targets") + " answering";
            return new Candidate(Verdict.UP, since, reason,
                    new VerdictEvidence(ids(views), reporting, locations(views), List.of(), null), false);
        }

        // Some observers are still warming up (fewer than N or M results in a row): nothing new to say yet.
        List<String> waiting = views.stream().filter(v -> v.view == Verdict.UNKNOWN).map(v -> v.observer.id).toList();
        return Candidate.keep(site.verdict.name().toLowerCase(Locale.ROOT) + ": waiting for " + rules.upAfter()
                + " results in a row from " + String.join(", ", waiting));
    }

    private String failingFor(String target, List<ObserverView> at, Instant now) {
        Instant since = null;
        String failure = null;
        for (ObserverView v : at) {
            for (TargetTrack t : v.tracks) {
                if (t.target().equals(target) && t.failing()) {
                    since = earliest(since, t.stateSince());
                    failure = failure == null ? t.lastFailure() : failure;
                }
            }
        }
        return target + " failing for " + seconds(Duration.between(since == null ? now : since, now))
                + (failure == null ? "" : " (" + failure + ")");
    }

    private String flapDetails(List<ObserverView> views) {
        List<String> details = new ArrayList<>();
        for (ObserverView v : views) {
            for (TargetTrack t : v.flapping) {
                details.add(t.target() + " at " + v.observer.id + " (" + t.changesInWindow() + " changes within "
                        + seconds(rules.flapWindow()) + ")");
            }
        }
        return String.join(", ", details);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (b.isBefore(a) ? b : a);
    }

    private static List<String> ids(List<ObserverView> views) {
        return views.stream().map(v -> v.observer.id).sorted().toList();
    }

    private static List<String> locations(List<ObserverView> views) {
        return views.stream().map(v -> v.observer.location).distinct().sorted().toList();
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", Math.max(0, d.toMillis()) / 1000.0);
    }

    /** What a new judgement would be; {@code keepCurrent} when the observations do not settle anything yet. */
    private record Candidate(Verdict verdict, Instant since, String reason, VerdictEvidence evidence, boolean keepCurrent) {
        static Candidate keep(String reason) {
            return new Candidate(null, null, reason, null, true);
        }
    }

    /** One observer's fresh tracks of one site, and what it alone makes of the site. */
    private static final class ObserverView {
        final ObserverState observer;
        final List<TargetTrack> tracks;
        final List<TargetTrack> critical;
        final List<TargetTrack> failing;
        final List<TargetTrack> flapping;
        final Verdict view;

        private ObserverView(ObserverState observer, List<TargetTrack> tracks, VerdictRules rules) {
            this.observer = observer;
            this.tracks = tracks;
            this.critical = tracks.stream().filter(TargetTrack::critical).toList();
            this.failing = tracks.stream().filter(TargetTrack::failing).toList();
            this.flapping = tracks.stream().filter(t -> t.flapping(rules)).toList();
            if (!flapping.isEmpty()) {
                // A flapping target never votes DOWN: it is what holds the site at DEGRADED instead of bouncing.
                view = Verdict.DEGRADED;
            } else if (!critical.isEmpty() && critical.stream().allMatch(TargetTrack::failing)) {
                view = Verdict.DOWN;
            } else if (!failing.isEmpty()) {
                view = Verdict.DEGRADED;
            } else if (tracks.stream().allMatch(t -> t.state() == TargetTrack.State.OK)) {
                view = Verdict.UP;
            } else {
                view = Verdict.UNKNOWN;
            }
        }

        static ObserverView of(ObserverState observer, List<TargetTrack> tracks, VerdictRules rules) {
            return new ObserverView(observer, tracks, rules);
        }
    }

    private static final class ObserverState {
        final String id;
        String location;
        Instant lastSeen;
        boolean stale;

        ObserverState(String id) {
            this.id = id;
        }

        ObserverStatus status() {
            return new ObserverStatus(id, location, lastSeen, stale);
        }
    }

    private static final class SiteState {
        final String id;
        /** Keyed by "observer target". */
        final Map<String, TargetTrack> tracks = new LinkedHashMap<>();
        final Map<String, String> observerOf = new HashMap<>();
        Verdict verdict = Verdict.UNKNOWN;
        Verdict previous = Verdict.UNKNOWN;
        Instant since;
        String reason;
        VerdictEvidence evidence = new VerdictEvidence(List.of(), 0, List.of(), List.of(), null);
        String transitionId;
        /** The newest heartbeat taken, and how many transitions happened since: what tipped each transition. */
        String lastHeartbeat = "";
        int transitionsSinceHeartbeat;
        List<String> flapping = List.of();
        Map<String, Verdict> views = Map.of();

        SiteState(String id) {
            this.id = id;
            this.reason = "unknown: no observations of " + id + " yet";
        }

        void forget(String observerId) {
            observerOf.entrySet().removeIf(e -> {
                boolean theirs = e.getValue().equals(observerId);
                if (theirs) {
                    tracks.remove(e.getKey());
                }
                return theirs;
            });
        }

        SiteJudgement judgement() {
            return new SiteJudgement(id, verdict, previous, since, reason, evidence, transitionId, flapping, views);
        }
    }
}
