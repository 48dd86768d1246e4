package io.lifeboat.failover.decision;

import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.events.VerdictEvidence;

import java.time.Duration;
import java.util.Locale;

/** How durations and evidence read in reasons: "6.1 s", "42 s", "10 min", "3/3 observers in 2 locations". */
public final class Words {

    private Words() {
    }

    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 10_000 && ms % 1000 != 0) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 120_000) {
            return (ms / 1000) + " s";
        }
        if (ms < 7_200_000) {
            return (ms / 60_000) + " min";
        }
        return (ms / 3_600_000) + " h";
    }

    public static String millis(long ms) {
        return duration(Duration.ofMillis(ms));
    }

    public static String evidence(VerdictEvidence e) {
        if (e == null) {
            return "no evidence given";
        }
        int agreeing = e.agreeingObservers() == null ? 0 : e.agreeingObservers().size();
        int locations = e.locations() == null ? 0 : e.locations().size();
        return agreeing + "/" + e.reportingObservers() + " observers in " + locations
                + (locations == 1 ? " location" : " locations");
    }

    /**
     * Why a database link's standby is not known to be consistent, from its own report ("standby copy incomplete:
     * 3 of 12 tables copied (link main)"), or null when it is. No verdict at all (an older replication-service)
     * is not consistent either.
     */
    public static String inconsistency(ReplicationLag lag) {
        StandbyConsistency c = lag.consistency();
        String link = " (link " + lag.linkId() + ")";
        if (c == null) {
            return "standby not known to be consistent: the link reports no consistency" + link;
        }
        if (c.consistent()) {
            return null;
        }
        if (c.reason() == null || c.reason().isBlank()) {
            return "standby " + c.state() + ", not consistent" + link;
        }
        return c.reason() + link;
    }
}
