package io.lifeboat.events.kafka;

/** A record that cannot be read as a Lifeboat event; the message is the reason, written for a person. */
public final class UnreadableEvent extends Exception {

    public UnreadableEvent(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
