package io.lifeboat.filesync.arrival;

/** A bucket notification that cannot be read; the message is the reason, for the dead-letter topic. */
public final class MalformedNotification extends Exception {

    public MalformedNotification(String reason) {
        super(reason, null, false, false);
    }
}
