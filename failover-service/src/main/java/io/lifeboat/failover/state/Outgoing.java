package io.lifeboat.failover.state;

import io.lifeboat.events.EventPayload;
import io.lifeboat.events.EventType;

/** An event the leader sends in the same transaction as the state it belongs to (a command, an audit event). */
public record Outgoing<T extends EventPayload>(EventType<T> type, T payload) {
}
