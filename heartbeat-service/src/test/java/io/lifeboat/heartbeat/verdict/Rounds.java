package io.lifeboat.heartbeat.verdict;

import io.lifeboat.events.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link VerdictEngine} the way observers do: rounds of heartbeats two seconds apart. */
final class Rounds {

    static final Instant T0 = Instant.parse("2025-03-14T09:00:00Z");
    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final String WEB = "http://home.test/health";
    static final String DB = "jdbc:postgresql://home.test:5432/app";

    final VerdictEngine engine;
    final List<Finding> findings = new ArrayList<>();
    int round;

    Rounds(VerdictRules rules) {
        this.engine = new VerdictEngine(rules, List.of("home"));
    }

    Instant now() {
        return T0.plus(INTERVAL.multipliedBy(round));
    }

    /** One heartbeat of {@code home}, observed now and received 50 ms later. */
    Rounds beat(String observer, String location, String target, boolean critical, boolean ok) {
        Observation o = new Observation("home", target, critical, observer, location, ok, ok ? null : "REFUSED",
                ok ? null : "Connection refused", now());
        findings.addAll(engine.observe(o, now().plusMillis(50)));
        return this;
    }

    Rounds web(String observer, String location, boolean ok) {
        return beat(observer, location, WEB, true, ok);
    }

    /** Ends the round: the periodic evaluation, one second into it. */
    Rounds tick() {
        findings.addAll(engine.evaluate(now().plusSeconds(1)));
        round++;
        return this;
    }

    Verdict verdict() {
        return engine.site("home").orElseThrow().verdict();
    }

    SiteJudgement judgement() {
        return engine.site("home").orElseThrow();
    }

    List<SiteJudgement> transitions() {
        return findings.stream().filter(f -> f instanceof Finding.VerdictChanged)
                .map(f -> ((Finding.VerdictChanged) f).judgement()).toList();
    }

    <T extends Finding> List<T> findings(Class<T> type) {
        return findings.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
