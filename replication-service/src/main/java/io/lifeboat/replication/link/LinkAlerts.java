package io.lifeboat.replication.link;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.Severity;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The alerts one link raises and resolves: one place for their ids, kinds and words. */
public final class LinkAlerts {

    private final String link;
    private final LinkEvents events;

    LinkAlerts(String link, LinkEvents events) {
        this.link = link;
        this.events = events;
    }

    /** What an alert of this link is about: the link, then the slot, table or topic. */
    private String about(String what) {
        return link + ":" + what;
    }

    public void raise(String kind, String what, Severity severity, String site, String reason, Map<String, String> labels) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("link", link);
        events.alert(AlertRaised.of(kind, about(what), severity, site, "link " + link + ": " + reason, events.who(),
                Instant.now(), all));
    }

    public void resolve(String kind, String what, String site, String reason) {
        events.resolved(AlertResolved.of(kind, about(what), site, reason, events.who(), Instant.now()));
    }
}
