package io.lifeboat.events.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * The one back-off of every service: a pause between attempts that starts at {@code first}, doubles after each
 * failed attempt up to {@code max}, and starts again at {@code first} after a success. Not thread-safe: it belongs
 * to the one thread that retries.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = Objects.requireNonNull(first, "first");
        this.max = Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a back-off needs 0 < first <= max, not " + first + " and " + max);
        }
        this.next = first;
    }

    /** The pause before the next attempt (for a log line); {@link #pause()} waits it. */
    public Duration current() {
        return next;
    }

    /** The pause to wait now; the one after it is twice as long, up to {@code max}. */
    public Duration next() {
        Duration now = next;
        next = now.multipliedBy(2).compareTo(max) > 0 ? max : now.multipliedBy(2);
        return now;
    }

    /** An attempt succeeded: the next failure waits {@code first} again. */
    public void reset() {
        next = first;
    }

    /**
     * Waits the next pause: a back-off before trying again, not a synchronisation. Returns false when the thread
     * was interrupted: the interrupt is the order to stop retrying, and it is consumed, so that the caller can
     * still close its clients (a Kafka client refuses to close on an interrupted thread).
     */
    public boolean pause() {
        try {
            Thread.sleep(next().toMillis());
            return true;
        } catch (InterruptedException stop) {
            return false;
        }
    }
}
