package io.lifeboat.failover.decision;

import io.lifeboat.events.Consistency;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.StandbyConsistency;
import io.lifeboat.events.Verdict;
import io.lifeboat.events.VerdictEvidence;
import io.lifeboat.failover.state.DrState;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Events and states for the pure tests. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-03-14T09:00:00Z");
    public static final Policy POLICY = Policy.defaults("home", "offsite");
    public static final String LINK = "home-to-offsite-db";
    public static final String FILES_LINK = "home-to-offsite-files";
    /** What a database link reports once its standby holds a state its source had: automatic failover may go. */
    public static final StandbyConsistency CONSISTENT = new StandbyConsistency(Consistency.CONSISTENT,
            "every table copied (3 of 3), none stopped, no gap", 3, 3);
    public static final StandbyConsistency COPYING = new StandbyConsistency(Consistency.COPYING,
            "standby copy incomplete: 1 of 3 tables copied", 1, 3);

    private Fixtures() {
    }

    public static DrState initial() {
        return DrState.initial("lifeboat", "home", "offsite", "test", T0.minusSeconds(3600));
    }

    public static Context at(Instant now) {
        return new Context(now, POLICY, "failover-test");
    }

    public static VerdictEvidence quorum(Instant failingSince) {
        return new VerdictEvidence(List.of("o1", "o2", "o3"), 3, List.of("eu-west", "us-east"), List.of("https://home/"),
                failingSince);
    }

    public static VerdictEvidence oneObserver(Instant failingSince) {
        return new VerdictEvidence(List.of("o1"), 3, List.of("eu-west"), List.of("https://home/"), failingSince);
    }

    public static VerdictEvidence oneLocation(Instant failingSince) {
        return new VerdictEvidence(List.of("o1", "o2"), 2, List.of("eu-west"), List.of("https://home/"), failingSince);
    }

    public static SiteVerdictChanged verdict(String site, Verdict verdict, Instant since, VerdictEvidence evidence) {
        return new SiteVerdictChanged(site + "-" + verdict + "-" + UUID.randomUUID(), site, verdict, Verdict.UP, since,
                site + " " + verdict.name().toLowerCase(), evidence, "o1");
    }

    public static SiteVerdictChanged down(String site, Instant since) {
        return verdict(site, Verdict.DOWN, since, quorum(since.minusMillis(1500)));
    }

    public static SiteVerdictChanged up(String site, Instant since) {
        return verdict(site, Verdict.UP, since, new VerdictEvidence(List.of("o1", "o2", "o3"), 3,
                List.of("eu-west", "us-east"), List.of(), null));
    }

    /** A database link's report, its standby consistent. */
    public static ReplicationLag lag(String source, String target, long lagMs, Instant at) {
        return lag(source, target, lagMs, at, CONSISTENT);
    }

    /** @param consistency null: as an older replication-service reports, without it */
    public static ReplicationLag lag(String source, String target, long lagMs, Instant at,
            StandbyConsistency consistency) {
        return new ReplicationLag(LINK, LinkKind.DATABASE, source, target, lagMs, 0, null, null, null, null,
                LinkState.STREAMING, at, consistency);
    }

    /** A files link's report: never any consistency. */
    public static ReplicationLag filesLag(String source, String target, long lagMs, Instant at) {
        return new ReplicationLag(FILES_LINK, LinkKind.FILES, source, target, lagMs, 0, null, null, null, null,
                LinkState.STREAMING, at);
    }

    /** Standby UP and a small, fresh lag into it. */
    public static Observations healthy(Instant now) {
        return Observations.NONE.with(up("offsite", now.minusSeconds(600))).with(lag("home", "offsite", 400, now.minusSeconds(10)));
    }
}
