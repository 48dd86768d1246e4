package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.EventPayload;
import io.lifeboat.events.Severity;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay's rules over any interleaving of raises and resolves from several raisers. */
class RelayRulesPropertiesTest {

    private static final Instant T0 = Instant.parse("2026-12-03T00:00:00Z");

    @Property
    void eachEpisodeIsDeliveredOnceFiringThenOnceResolvedWithTheSameLabels(@ForAll("reports") List<EventPayload> reports) {
        RelayRules.State state = RelayRules.State.empty();
        Map<String, List<AlertNotice>> delivered = new HashMap<>();
        Map<String, Boolean> lastWasRaise = new HashMap<>();
        for (EventPayload report : reports) {
            RelayRules.Step step = report instanceof AlertRaised raised ? RelayRules.on(state, raised)
                    : RelayRules.on(state, (AlertResolved) report);
            assertThat(step.reason()).contains(report.subject());
            step.deliver().ifPresent(n -> delivered.computeIfAbsent(n.alertId(), k -> new ArrayList<>()).add(n));
            lastWasRaise.put(report.subject(), report instanceof AlertRaised);
            state = step.next();
        }
        delivered.forEach((id, notices) -> {
            for (int i = 0; i < notices.size(); i++) {
                // Alternating, starting with firing: never two firings without a resolution between them.
                assertThat(notices.get(i).firing()).as("%s notice %d", id, i).isEqualTo(i % 2 == 0);
                if (i % 2 == 1) {
                    AlertNotice raisedAs = notices.get(i - 1);
                    assertThat(notices.get(i).labels()).isEqualTo(raisedAs.labels());
                    assertThat(notices.get(i).severity()).isEqualTo(raisedAs.severity());
                    assertThat(notices.get(i).startsAt()).isEqualTo(raisedAs.startsAt());
                }
            }
        });
        // Firing now is exactly the alerts whose last report was a raise.
        List<String> expected = lastWasRaise.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .sorted().toList();
        assertThat(state.firing().keySet()).containsExactlyElementsOf(expected);
        expected.forEach(id -> assertThat(delivered.get(id).get(delivered.get(id).size() - 1).firing()).isTrue());
    }

    @Property
    void everyObserverRaisingTheSameConditionIsOneDelivery(@ForAll("raisers") List<String> raisers) {
        RelayRules.State state = RelayRules.State.empty();
        int deliveries = 0;
        for (int i = 0; i < raisers.size(); i++) {
            RelayRules.Step step = RelayRules.on(state, raise("site-down:home", raisers.get(i), i));
            deliveries += step.deliver().isPresent() ? 1 : 0;
            state = step.next();
        }
        assertThat(deliveries).isEqualTo(1);
        assertThat(state.firing().get("site-down:home").raisers()).containsExactlyInAnyOrderElementsOf(
                raisers.stream().distinct().toList());
        Optional<AlertNotice> resolved = RelayRules.on(state, resolve("site-down:home", raisers.get(0), 99)).deliver();
        assertThat(resolved).hasValueSatisfying(n -> assertThat(n.firing()).isFalse());
    }

    @Provide
    Arbitrary<List<EventPayload>> reports() {
        Arbitrary<String> ids = Arbitraries.of("site-down:home", "slot-retention:main", "approval-needed:home");
        Arbitrary<String> raisers = Arbitraries.of("obs-a", "obs-b", "failover-0");
        Arbitrary<Severity> severities = Arbitraries.of(Severity.class);
        Arbitrary<EventPayload> report = Combinators.combine(ids, raisers, severities, Arbitraries.integers().between(0, 999),
                Arbitraries.of(true, false)).as((id, by, severity, t, isRaise) -> isRaise
                        ? new AlertRaised(id, "KIND", severity, "home", "raised at " + t, by, T0.plusSeconds(t),
                                Map.of("severity-at-raise", severity.name(), "t", String.valueOf(t)))
                        : new AlertResolved(id, "KIND", "home", "gone at " + t, by, T0.plusSeconds(t)));
        return report.list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<String>> raisers() {
        return Arbitraries.of("obs-a", "obs-b", "obs-c", "failover-0").list().ofMinSize(1).ofMaxSize(12);
    }

    private static AlertRaised raise(String id, String by, int t) {
        return new AlertRaised(id, "SITE_DOWN", Severity.CRITICAL, "home", "down", by, T0.plusSeconds(t), Map.of("site", "home"));
    }

    private static AlertResolved resolve(String id, String by, int t) {
        return new AlertResolved(id, "SITE_DOWN", "home", "up", by, T0.plusSeconds(t));
    }
}
