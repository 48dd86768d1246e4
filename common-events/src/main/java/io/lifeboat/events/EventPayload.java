package io.lifeboat.events;

/**
 * A Lifeboat event's data. The subject is the entity the event is about (a site id, a link id, an object key):
 * it becomes the Kafka key, so that events about one entity stay in order.
 */
public interface EventPayload {

    String subject();
}
