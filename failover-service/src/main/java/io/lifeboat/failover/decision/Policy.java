package io.lifeboat.failover.decision;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings the decision rules and runbooks follow, already checked (see
 * {@code config.FailoverSettings}). Pure data: tests build it directly.
 */
public record Policy(String stateId, String homeSite, String otherSite, Mode mode, Duration grace,
        Duration allowedDataLoss, Duration lagStaleAfter, Duration cooldown, int minObservers, int minLocations,
        List<String> databaseLinks, List<String> fileLinks, Duration stepTimeout, int stepAttempts,
        Duration fenceTimeout, Duration drainTimeout, Duration reverseTimeout, Duration dnsTimeout,
        Duration failbackMaxLag, Duration catchUpTimeout, boolean automaticReverse, Duration homeStableFor) {

    public Policy {
        Objects.requireNonNull(stateId, "stateId");
        Objects.requireNonNull(homeSite, "homeSite");
        Objects.requireNonNull(otherSite, "otherSite");
        databaseLinks = List.copyOf(databaseLinks);
        fileLinks = List.copyOf(fileLinks);
    }

    /** Defaults as documented, for two sites; tests start from here. */
    public static Policy defaults(String homeSite, String otherSite) {
        return new Policy("lifeboat", homeSite, otherSite, Mode.AUTO, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMinutes(10), 2, 2, List.of(homeSite + "-to-" + otherSite + "-db"),
                List.of(), Duration.ofSeconds(30), 3, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofMinutes(30), Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(30), false, Duration.ofMinutes(5));
    }

    /** The other one of the two sites. */
    public String siteOtherThan(String site) {
        return homeSite.equals(site) ? otherSite : homeSite;
    }

    public boolean knowsSite(String site) {
        return homeSite.equals(site) || otherSite.equals(site);
    }

    public Policy withMode(Mode newMode) {
        return new Policy(stateId, homeSite, otherSite, newMode, grace, allowedDataLoss, lagStaleAfter, cooldown,
                minObservers, minLocations, databaseLinks, fileLinks, stepTimeout, stepAttempts, fenceTimeout,
                drainTimeout, reverseTimeout, dnsTimeout, failbackMaxLag, catchUpTimeout, automaticReverse, homeStableFor);
    }

    public Policy withAutomaticReverse(Duration stableFor) {
        return new Policy(stateId, homeSite, otherSite, mode, grace, allowedDataLoss, lagStaleAfter, cooldown,
                minObservers, minLocations, databaseLinks, fileLinks, stepTimeout, stepAttempts, fenceTimeout,
                drainTimeout, reverseTimeout, dnsTimeout, failbackMaxLag, catchUpTimeout, true, stableFor);
    }

    public Policy withCooldown(Duration newCooldown) {
        return new Policy(stateId, homeSite, otherSite, mode, grace, allowedDataLoss, lagStaleAfter, newCooldown,
                minObservers, minLocations, databaseLinks, fileLinks, stepTimeout, stepAttempts, fenceTimeout,
                drainTimeout, reverseTimeout, dnsTimeout, failbackMaxLag, catchUpTimeout, automaticReverse, homeStableFor);
    }
}
