package io.lifeboat.replication.link;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.Severity;

import java.time.Instant;
import java.util.Map;

/** The alerts one link raises and resolves: one place for their ids, kinds and words. */
public final class LinkAlerts {

    private final String link;
    private final LinkEvents events;

    LinkAlerts(String link, LinkEvents events) {
        this.link = link;
        this.events = events;
    }

    private String id(String kind, String what) {
        return kind + ":" + link + ":" + what;
    }

    public void raise(String kind, String what, Severity severity, String site, String reason, Map<String, String> labels) {
        java.util.Map<String, String> all = new java.util.TreeMap<>(labels);
        all.put("link", link);
        events.alert(new AlertRaised(id(kind.toLowerCase().replace('_', '-'), what), kind, severity, site,
                "link " + link + ": " + reason, events.who(), Instant.now(), all));
    }

    public void resolve(String kind, String what, String site, String reason) {
        events.resolved(new AlertResolved(id(kind.toLowerCase().replace('_', '-'), what), kind, site, reason, events.who(),
                Instant.now()));
    }
}
