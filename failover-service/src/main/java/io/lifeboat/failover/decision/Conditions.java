package io.lifeboat.failover.decision;

import io.lifeboat.events.LinkKind;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The conditions of an automatic failover, each in words: null (or no problems) when it holds, otherwise the reason
 * a person is asked. Pure; {@link FailoverRules} combines them, the operators' actions name those they pass.
 */
final class Conditions {

    private Conditions() {
    }

    static String quorumProblem(VerdictEvidence e, Policy p) {
        int agreeing = e == null || e.agreeingObservers() == null ? 0 : e.agreeingObservers().size();
        int locations = e == null || e.locations() == null ? 0 : e.locations().size();
        if (agreeing >= p.minObservers() && locations >= p.minLocations()) {
            return null;
        }
        return "no quorum: " + Words.evidence(e) + " agree (need " + p.minObservers() + " observers in "
                + p.minLocations() + " locations)";
    }

    static String standbyProblem(Observations obs, String standby) {
        SiteVerdictChanged sv = obs.verdict(standby);
        if (sv == null) {
            return "no verdict on standby " + standby + " yet (needs UP)";
        }
        if (sv.verdict() != Verdict.UP) {
            return "standby " + standby + " is " + sv.verdict() + " (needs UP)";
        }
        return null;
    }

    record LagCheck(List<String> problems, long maxLagMs) {
    }

    /**
     * The lag into the standby as it stood when the lost site started failing (after that it also counts the
     * silence, so a later report can only overstate the risk): reported, recent enough, within the allowed loss.
     */
    static LagCheck lagCheck(Observations obs, String standby, Instant outageSince, Policy p) {
        List<ReplicationLag> lags = outageSince == null ? obs.lagsInto(standby) : obs.lagsInto(standby, outageSince);
        List<String> problems = new ArrayList<>();
        if (lags.isEmpty()) {
            problems.add("no replication lag reported into " + standby + " (data at risk unknown)");
            return new LagCheck(problems, 0);
        }
        long max = 0;
        for (ReplicationLag lag : lags) {
            max = Math.max(max, lag.lagMs());
            if (outageSince != null && lag.measuredAt() != null
                    && lag.measuredAt().isBefore(outageSince.minus(p.lagStaleAfter()))) {
                problems.add("last lag report of " + lag.linkId() + " is "
                        + Words.duration(Duration.between(lag.measuredAt(), outageSince)) + " older than the outage");
            }
            if (lag.lagMs() > p.allowedDataLoss().toMillis()) {
                problems.add("standby lag " + Words.millis(lag.lagMs()) + " exceeds allowed "
                        + Words.duration(p.allowedDataLoss()) + " (link " + lag.linkId() + ")");
            }
        }
        return new LagCheck(problems, max);
    }

    /**
     * Every database link into the standby must be known to be consistent: a small lag says nothing of a standby
     * whose initial copy is half done, or whose link skipped changes. The newest report counts, not the one at the
     * outage's start: consistency can only be lost, or reached, by what the standby applied, and the newest report
     * says what it holds now, the state that would be promoted. A configured database link that reports nothing
     * counts as not consistent; files links carry no consistency (each file is whole or absent) and never block.
     */
    static List<String> consistencyProblems(Observations obs, String standby, Policy p) {
        List<ReplicationLag> reports = obs.lagsInto(standby);
        List<String> problems = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (ReplicationLag lag : reports) {
            reported.add(lag.linkId());
            if (lag.kind() == LinkKind.FILES) {
                continue;
            }
            String problem = Words.inconsistency(lag);
            if (problem != null) {
                problems.add(problem);
            }
        }
        for (String link : p.databaseLinks()) {
            if (!reported.contains(link)) {
                problems.add("no report from database link " + link + " into " + standby
                        + ": its standby is not known to be consistent");
            }
        }
        return problems;
    }
}
