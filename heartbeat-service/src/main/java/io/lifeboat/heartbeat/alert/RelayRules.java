package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the alert relay delivers for each alert on {@code lifeboat.alerts}, whoever raised it. Pure.
 *
 * <p>An alert id names a condition, not a report of it ({@code site-down:home}), so several raisers (every observer,
 * or a service raising again after a restart) raise the same alert. The relay delivers an alert once when it starts
 * firing and once when it is resolved:
 * <ul>
 * <li>a raise while it is not firing delivers it;</li>
 * <li>a raise while it fires delivers nothing (the raiser is remembered, for the reason words);</li>
 * <li>the first resolve delivers the resolution, with the labels and severity it was raised with (Alertmanager
 * matches on labels). Every raiser judges the condition by the same evidence (verdicts are by quorum), so the first
 * to see it gone speaks for all; waiting for every raiser would leave an alert firing for ever when one of them
 * stops. A later raise starts a new episode;</li>
 * <li>a resolve of an alert that is not firing delivers nothing.</li>
 * </ul>
 */
public final class RelayRules {

    private RelayRules() {
    }

    /** One firing alert: the raise that started it and who has reported it since. */
    public record Firing(AlertRaised raised, TreeSet<String> raisers) {
        public Firing {
            raisers = new TreeSet<>(raisers);
        }
    }

    /** The alerts firing now, by id. Immutable: every step returns a new one. */
    public record State(Map<String, Firing> firing) {
        public State {
            firing = java.util.Collections.unmodifiableMap(new TreeMap<>(firing));
        }

        public static State empty() {
            return new State(Map.of());
        }
    }

    /** The next state, what to deliver (nothing, or one notice), and why, in words. */
    public record Step(State next, Optional<AlertNotice> deliver, String reason) {
    }

    public static Step on(State state, AlertRaised raised) {
        Firing firing = state.firing().get(raised.alertId());
        Map<String, Firing> next = new TreeMap<>(state.firing());
        if (firing == null) {
            TreeSet<String> raisers = new TreeSet<>();
            raisers.add(raised.raisedBy());
            next.put(raised.alertId(), new Firing(raised, raisers));
            return new Step(new State(next), Optional.of(AlertNotice.raised(raised)),
                    raised.alertId() + " raised by " + raised.raisedBy() + ": delivered");
        }
        if (firing.raisers().contains(raised.raisedBy())) {
            return new Step(state, Optional.empty(), raised.alertId() + " raised again by " + raised.raisedBy()
                    + ": already firing since " + firing.raised().raisedAt() + ", delivered then");
        }
        TreeSet<String> raisers = new TreeSet<>(firing.raisers());
        raisers.add(raised.raisedBy());
        next.put(raised.alertId(), new Firing(firing.raised(), raisers));
        return new Step(new State(next), Optional.empty(), raised.alertId() + " raised by " + raised.raisedBy()
                + " too: already firing (raised by " + String.join(", ", firing.raisers()) + "), delivered once");
    }

    public static Step on(State state, AlertResolved resolved) {
        Firing firing = state.firing().get(resolved.alertId());
        if (firing == null) {
            return new Step(state, Optional.empty(), resolved.alertId() + " resolved by " + resolved.resolvedBy()
                    + ": not firing (already resolved, or raised before the relay's history begins)");
        }
        Map<String, Firing> next = new TreeMap<>(state.firing());
        next.remove(resolved.alertId());
        return new Step(new State(next), Optional.of(AlertNotice.resolved(firing.raised(), resolved)),
                resolved.alertId() + " resolved by " + resolved.resolvedBy() + ": delivered");
    }
}
