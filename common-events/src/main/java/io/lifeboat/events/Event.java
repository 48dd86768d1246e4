package io.lifeboat.events;

import java.time.Instant;

/**
 * An event as it travels: the CloudEvents attributes and the typed payload.
 *
 * @param id      CloudEvents {@code id}: unique per event; consumers use it to see a redelivery as the same event
 * @param source  CloudEvents {@code source}: {@code /lifeboat/<service>/<site>}
 * @param time    when the event happened
 */
public record Event<T extends EventPayload>(String id, EventType<T> type, String source, Instant time, T payload) {

    public String key() {
        return payload.subject();
    }
}
