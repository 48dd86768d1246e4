package io.lifeboat.replication.command;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Fencing by epoch: the newest epoch seen wins; a command carrying an older one comes from a side that lost an
 * election it did not hear about, and is refused.
 */
@ApplicationScoped
public class EpochFence {

    private long newest = -1;

    /** @return the refusal reason, or empty when the command may run */
    public synchronized Optional<String> admit(long epoch) {
        if (epoch < newest) {
            return Optional.of("epoch " + epoch + " is older than " + newest);
        }
        newest = epoch;
        return Optional.empty();
    }

    public synchronized long newest() {
        return newest;
    }
}
