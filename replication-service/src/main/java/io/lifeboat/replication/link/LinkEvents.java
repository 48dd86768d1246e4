package io.lifeboat.replication.link;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.LinkStateChanged;

/** Where a link's state changes and alerts go (the event topics, in the service). */
public interface LinkEvents {

    void stateChanged(LinkStateChanged change);

    void alert(AlertRaised alert);

    void resolved(AlertResolved resolved);

    /** Who raises the alerts: this instance ({@code ServiceIdentity.who()}). */
    String who();
}
