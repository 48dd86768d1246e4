package io.lifeboat.heartbeat.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks {@code lifeboat.warden.*}, naming the key of anything wrong. The one rule that matters: the site must be
 * fenced before the other site can be promoted, so {@code lease-timeout + fence-allowance + one tick} must be shorter
 * than the least time the observers and failover-service need to promote it automatically: a DOWN verdict needs
 * {@code down-after} failed probes in a row ({@code (down-after - 1) × interval} after the first, which can come at
 * once), and failover-service holds it for its grace counted from that first failed probe, so the two overlap: the
 * least time is the longer of the two (see the README's timing argument).
 */
public final class WardenSettings {

    private static final String KEY = "lifeboat.warden.";
    /** How often the warden looks at its lease (and so the most it can be late). */
    public static final Duration TICK = Duration.ofMillis(100);

    /** A checked database. */
    public record Database(String name, String url, String user, String password) {
        @Override
        public String toString() {
            return name + " (" + url + " as " + user + ")";
        }
    }

    /** The checked settings. */
    public record Warden(Duration leaseTimeout, Duration renewEvery, Duration fenceAllowance, Duration promotionGrace,
            String leaseTopic, String stateId, List<String> applicationRoles, List<Database> databases) {
    }

    private WardenSettings() {
    }

    public static Warden check(WardenConfig w, HeartbeatConfig heartbeat) {
        positive("lease-timeout", w.leaseTimeout());
        positive("renew-every", w.renewEvery());
        positive("fence-allowance", w.fenceAllowance());
        positive("failover-grace", w.failoverGrace());
        if (w.renewEvery().multipliedBy(2).compareTo(w.leaseTimeout()) > 0) {
            throw new IllegalArgumentException(KEY + "renew-every (" + w.renewEvery() + ") must be at most half of "
                    + KEY + "lease-timeout (" + w.leaseTimeout() + "): one lost renewal must not fence the site");
        }
        Duration promotion = promotionGrace(heartbeat.verdict().downAfter(), heartbeat.interval(), w.failoverGrace());
        Duration bound = w.leaseTimeout().plus(w.fenceAllowance()).plus(TICK);
        if (bound.compareTo(promotion) >= 0) {
            throw new IllegalArgumentException(KEY + "lease-timeout (" + w.leaseTimeout() + ") + " + KEY
                    + "fence-allowance (" + w.fenceAllowance() + ") + a tick (" + TICK + ") = " + bound
                    + " must be shorter than the least time before the other site can be promoted: the longer of ("
                    + "lifeboat.heartbeat.verdict.down-after (" + heartbeat.verdict().downAfter() + ") - 1) x "
                    + "lifeboat.heartbeat.interval (" + heartbeat.interval() + ") and " + KEY + "failover-grace ("
                    + w.failoverGrace() + "), " + promotion + "; shorten the lease or lengthen failover's grace");
        }
        List<String> roles = w.applicationRoles().orElse(List.of()).stream().map(String::trim)
                .filter(r -> !r.isEmpty()).toList();
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(KEY + "application-roles: required with " + KEY
                    + "enabled=true (the roles a fence takes LOGIN from)");
        }
        List<Database> databases = new ArrayList<>();
        for (Map.Entry<String, WardenConfig.Database> e : new TreeMap<>(w.databases()).entrySet()) {
            String key = KEY + "databases." + e.getKey() + ".";
            String url = e.getValue().url().orElseThrow(() -> new IllegalArgumentException(key + "url: required"));
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException(key + "url: '" + url + "' is not a jdbc:postgresql:// URL");
            }
            String user = e.getValue().user().orElseThrow(() -> new IllegalArgumentException(key + "user: required"));
            String password = e.getValue().password()
                    .orElseThrow(() -> new IllegalArgumentException(key + "password: required"));
            databases.add(new Database(e.getKey(), url, user, password));
        }
        if (databases.isEmpty()) {
            throw new IllegalArgumentException(KEY + "databases: at least one (" + KEY + "databases.<name>.url, "
                    + ".user, .password) with " + KEY + "enabled=true");
        }
        return new Warden(w.leaseTimeout(), w.renewEvery(), w.fenceAllowance(), promotion, w.leaseTopic(),
                w.stateId(), roles, List.copyOf(databases));
    }

    /** The least time from a site's loss to its standby's promotion, by the observers' and failover's settings. */
    public static Duration promotionGrace(int downAfter, Duration interval, Duration failoverGrace) {
        Duration verdict = interval.multipliedBy(Math.max(0, downAfter - 1));
        return verdict.compareTo(failoverGrace) > 0 ? verdict : failoverGrace;
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(KEY + key + ": must be positive, was " + value);
        }
    }
}
