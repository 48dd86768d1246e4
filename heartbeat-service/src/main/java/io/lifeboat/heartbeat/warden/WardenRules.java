package io.lifeboat.heartbeat.warden;

import io.lifeboat.events.Severity;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The site warden's rule, pure: state × input → next state, effects, reason in words (Patroni's "demote when the
 * leader key cannot be renewed", for a site).
 *
 * <ul>
 *   <li>While the site is ACTIVE (or before the DR state was read), the lease must be renewed through Kafka: a tick
 *       that finds the newest acknowledged renewal older than {@code lease-timeout} fences the site.</li>
 *   <li>The DR state moving the active role away while this site held the lease fences it too: failover-service may
 *       have promoted the other site without reaching this one.</li>
 *   <li>A fence that failed is asked for again at the next tick; one that succeeded holds. The warden never
 *       unfences: the failback does, when Lifeboat brings the service back; a DR state that moves the active role
 *       back to a fenced site from the other one (that failback) makes the warden hold the lease again.</li>
 * </ul>
 */
public final class WardenRules {

    /** Raised when a site fenced its own database. */
    public static final String SELF_FENCED = "SITE_SELF_FENCED";

    /** What one input did. */
    public record Decision(WardenState next, List<WardenEffect> effects, String reason) {
        public Decision {
            effects = List.copyOf(effects);
        }
    }

    private final String site;
    private final long leaseTimeoutNanos;

    public WardenRules(String site, Duration leaseTimeout) {
        this.site = site;
        this.leaseTimeoutNanos = leaseTimeout.toNanos();
    }

    /**
     * Whether a starting warden's first acknowledged renewal is one to start guarding on: its lease (counted from its
     * sending) must still have half its length left when Kafka's acknowledgement comes. A first renewal that took
     * longer (a slow first TLS and SASL handshake on a busy node) would start a lease that runs out before the next
     * renewal's answer, and fence a healthy site at its start (seen in the sandbox: acknowledged after 2.1 s of a
     * 2.5 s lease, fenced 0.46 s later). The warden renews again at once instead; the connection is warm by then.
     */
    public static boolean startsOn(long sentNanos, long acknowledgedNanos, Duration leaseTimeout) {
        return acknowledgedNanos - sentNanos <= leaseTimeout.toNanos() / 2;
    }

    public Decision on(WardenState s, WardenInput input) {
        if (input instanceof WardenInput.Renewed r) {
            return new Decision(s.renewed(Math.min(r.sentAt(), r.now())), List.of(), "lease renewed");
        }
        if (input instanceof WardenInput.StateSeen v) {
            return onState(s, v);
        }
        if (input instanceof WardenInput.FenceResult f) {
            return onFence(s, f);
        }
        return onTick(s, (WardenInput.Tick) input);
    }

    private Decision onTick(WardenState s, WardenInput.Tick t) {
        if (s.standing().holdsLease()) {
            long since = t.now() - s.renewedAt();
            if (since > leaseTimeoutNanos) {
                return fence(s, t.now(), "lease of " + site + " not renewed for " + words(since) + " (bound "
                        + words(leaseTimeoutNanos) + "): Kafka, and through it the observers and failover-service, "
                        + "cannot be reached, so " + site + " may be declared lost and the other site promoted");
            }
            return new Decision(s, List.of(), "lease held, renewed " + words(since) + " ago");
        }
        if (s.standing() == Standing.FENCING && !s.fenceInFlight()) {
            WardenState next = s.fencing(t.now(), s.cause());
            return new Decision(next, List.of(new WardenEffect.Fence(s.cause())), "fencing " + site + " again (attempt "
                    + next.fenceAttempts() + "): " + s.cause());
        }
        return new Decision(s, List.of(), site + " " + s.standing().name().toLowerCase(Locale.ROOT));
    }

    private Decision onState(WardenState s, WardenInput.StateSeen v) {
        if (v.epoch() < s.epoch()) {
            return new Decision(s, List.of(), "DR state of epoch " + v.epoch() + " is older than epoch " + s.epoch()
                    + ": ignored");
        }
        boolean ours = site.equals(v.activeSite());
        String seen = v.activeSite() + " active at epoch " + v.epoch();
        return switch (s.standing()) {
            // Only a failback moves the active role back to a fenced site that had lost it, and it unfenced the site
            // first: the warden holds the lease again (it still never unfences by itself).
            case FENCED -> ours && s.activeSite() != null && !site.equals(s.activeSite())
                    ? new Decision(s.rearmed(v.activeSite(), v.epoch()), List.of(), seen + ": a failback made " + site
                            + " active again, so the warden holds its lease again")
                    : new Decision(s.role(Standing.FENCED, v.activeSite(), v.epoch()), List.of(), seen + "; " + site
                            + " stays fenced (the warden never unfences)");
            case FENCING -> new Decision(s.role(Standing.FENCING, v.activeSite(), v.epoch()), List.of(), seen + "; "
                    + site + " stays fencing (the warden never unfences)");
            case UNKNOWN, STANDBY -> ours
                    ? new Decision(s.role(Standing.HOLDING, v.activeSite(), v.epoch()), List.of(), seen
                            + ": " + site + " holds the lease")
                    : new Decision(s.role(Standing.STANDBY, v.activeSite(), v.epoch()), List.of(), seen
                            + ": " + site + " is standby, no lease");
            case HOLDING -> ours
                    ? new Decision(s.role(Standing.HOLDING, v.activeSite(), v.epoch()), List.of(), seen
                            + ": lease held")
                    : fence(s.role(Standing.HOLDING, v.activeSite(), v.epoch()), v.now(), "failover-service made "
                            + seen + " while " + site + " held the lease: " + site + " must take no more writes");
        };
    }

    private Decision onFence(WardenState s, WardenInput.FenceResult f) {
        if (s.standing() != Standing.FENCING || !s.fenceInFlight()) {
            return new Decision(s, List.of(), "fence result while " + s.standing() + ": nothing to do");
        }
        if (!f.ok()) {
            return new Decision(s.fenceFailed(), List.of(), "fence of " + site + " failed (" + f.detail()
                    + "); asked again at the next tick");
        }
        String why = site + " fenced itself " + words(f.now() - s.lostAt()) + " after it lost its lease or role ("
                + s.cause() + "); roles locked now: " + (f.rolesLocked().isEmpty() ? "none (already fenced)"
                : String.join(", ", f.rolesLocked())) + ", sessions ended: " + f.sessionsEnded()
                + ". It stays fenced until a failback unfences it";
        return new Decision(s.fenced(), List.of(new WardenEffect.Alert(SELF_FENCED, Severity.CRITICAL, why)), why);
    }

    private static Decision fence(WardenState s, long now, String why) {
        WardenState next = s.fencing(now, why);
        return new Decision(next, List.of(new WardenEffect.Fence(why)), "fencing: " + why);
    }

    /** A duration in seconds with a tenth, as the log and the alert say it. */
    static String words(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
