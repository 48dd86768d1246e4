package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.Severity;
import io.lifeboat.events.Verdict;
import io.lifeboat.heartbeat.verdict.Finding;
import io.lifeboat.heartbeat.verdict.SiteJudgement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which findings raise which alert, and which resolve it. Pure. Alert ids are stable per condition
 * ({@code site-down:home}, {@code observer-stale:obs-b}, {@code flapping:home}), so every instance raising the
 * same condition raises the same alert.
 */
public final class AlertRules {

    /** Raise these, resolve those ids (with the reason). */
    public record Actions(List<AlertRaised> raise, List<String> resolve, String resolveReason) {
    }

    private static final String OBSERVER_STALE = "OBSERVER_STALE";
    private static final String FLAPPING = "FLAPPING";

    private AlertRules() {
    }

    public static Actions on(Finding finding, String observerId, Instant now) {
        List<AlertRaised> raise = new ArrayList<>();
        List<String> resolve = new ArrayList<>();
        if (finding instanceof Finding.VerdictChanged changed) {
            SiteJudgement j = changed.judgement();
            for (Verdict v : List.of(Verdict.DOWN, Verdict.DEGRADED, Verdict.UNKNOWN)) {
                if (v != j.verdict()) {
                    resolve.add(siteAlertId(v, j.siteId()));
                }
            }
            siteAlert(j.verdict()).ifPresent(kind -> raise.add(AlertRaised.of(kind, j.siteId(),
                    j.verdict() == Verdict.DOWN ? Severity.CRITICAL : Severity.WARNING, j.siteId(), j.reason(),
                    observerId, now, Map.of("site", j.siteId(), "verdict", j.verdict().name(),
                            "transition", j.transitionId()))));
            return new Actions(raise, resolve, j.reason());
        }
        if (finding instanceof Finding.ObserverStale stale) {
            raise.add(AlertRaised.of(OBSERVER_STALE, stale.observer().observerId(), Severity.WARNING, null,
                    stale.reason(), observerId, now,
                    Map.of("observer", stale.observer().observerId(), "location", stale.observer().location())));
        } else if (finding instanceof Finding.ObserverBack back) {
            resolve.add(AlertRaised.idFor(OBSERVER_STALE, back.observer().observerId()));
        } else if (finding instanceof Finding.ObserverForgotten gone) {
            resolve.add(AlertRaised.idFor(OBSERVER_STALE, gone.observer().observerId()));
        } else if (finding instanceof Finding.FlappingStarted flapping) {
            raise.add(AlertRaised.of(FLAPPING, flapping.siteId(), Severity.WARNING, flapping.siteId(),
                    flapping.reason(), observerId, now,
                    Map.of("site", flapping.siteId(), "targets", String.join(" ", flapping.targets()))));
        } else if (finding instanceof Finding.FlappingStopped stopped) {
            resolve.add(AlertRaised.idFor(FLAPPING, stopped.siteId()));
        }
        return new Actions(raise, resolve, finding.reason());
    }

    private static Optional<String> siteAlert(Verdict verdict) {
        return switch (verdict) {
            case DOWN -> Optional.of("SITE_DOWN");
            case DEGRADED -> Optional.of("SITE_DEGRADED");
            case UNKNOWN -> Optional.of("SITE_UNKNOWN");
            case UP -> Optional.empty();
        };
    }

    private static String siteAlertId(Verdict verdict, String siteId) {
        return AlertRaised.idFor("SITE_" + verdict.name(), siteId);
    }
}
