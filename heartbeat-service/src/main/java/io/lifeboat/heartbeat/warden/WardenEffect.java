package io.lifeboat.heartbeat.warden;

import io.lifeboat.events.Severity;

/** What the shell must do for a warden's decision. */
public sealed interface WardenEffect {

    /** Fence every database of the site (DatabaseFence), giving this reason. */
    record Fence(String reason) implements WardenEffect {
    }

    /** Raise an alert (lifeboat.alerts, sent when Kafka is back; and the webhooks). */
    record Alert(String kind, Severity severity, String reason) implements WardenEffect {
    }
}
