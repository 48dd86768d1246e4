package io.lifeboat.heartbeat.verdict;

import java.time.Duration;

/**
 * The knobs of the verdict logic.
 *
 * @param downAfter    N: consecutive failures before a target counts as failing at an observer
 * @param upAfter      M: consecutive successes before it counts as answering again
 * @param minLocations DOWN needs agreeing observers in this many distinct locations, where as many are reporting
 * @param flapChanges  K: result changes within {@code flapWindow} that make a target flap
 * @param minAgreeing  DOWN never rests on fewer observers than this, however few are reporting: an observer that
 *                     starts cut off, or outlives the others, must not take a site down alone
 */
public record VerdictRules(int downAfter, int upAfter, Quorum quorum, int minLocations, Duration staleAfter,
        Duration forgetAfter, int flapChanges, Duration flapWindow, int minAgreeing) {

    public VerdictRules {
        if (downAfter < 1 || upAfter < 1 || minLocations < 1 || flapChanges < 2 || minAgreeing < 1) {
            throw new IllegalArgumentException("down-after, up-after and min-locations must be at least 1, flap-changes at least 2");
        }
        if (staleAfter.isNegative() || staleAfter.isZero() || flapWindow.isNegative() || flapWindow.isZero() || forgetAfter.compareTo(staleAfter) < 0) {
            throw new IllegalArgumentException("stale-after and flap-window must be positive, forget-after at least stale-after");
        }
    }

    public static VerdictRules defaults() {
        return new VerdictRules(3, 3, Quorum.majority(), 2, Duration.ofSeconds(10), Duration.ofMinutes(15), 5,
                Duration.ofMinutes(2), 2);
    }

    public VerdictRules withStaleAfter(Duration staleAfter) {
        return new VerdictRules(downAfter, upAfter, quorum, minLocations, staleAfter,
                forgetAfter.compareTo(staleAfter) < 0 ? staleAfter : forgetAfter, flapChanges, flapWindow, minAgreeing);
    }

    public VerdictRules withQuorum(Quorum quorum) {
        return new VerdictRules(downAfter, upAfter, quorum, minLocations, staleAfter, forgetAfter, flapChanges, flapWindow, minAgreeing);
    }

    public VerdictRules withFlapping(int flapChanges, Duration flapWindow) {
        return new VerdictRules(downAfter, upAfter, quorum, minLocations, staleAfter, forgetAfter, flapChanges, flapWindow, minAgreeing);
    }
}
