package io.lifeboat.replication.command;

import io.lifeboat.replication.state.LinkStateStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Fencing by epoch: the newest epoch seen wins; a command carrying an older one comes from a side that lost an
 * election it did not hear about, and is refused. The newest epoch survives restarts: it starts from the largest
 * one stored in the links' state topic (read before the first command is admitted), and every admitted command's
 * epoch is stored there by its link before the command runs.
 */
@ApplicationScoped
public class EpochFence {

    private final LinkStateStore store;
    private Long newest;

    EpochFence(LinkStateStore store) {
        this.store = store;
    }

    /** @return the refusal reason, or empty when the command may run */
    public synchronized Optional<String> admit(long epoch) {
        long known = newest();
        if (epoch < known) {
            return Optional.of("epoch " + epoch + " is older than " + known);
        }
        newest = epoch;
        return Optional.empty();
    }

    public synchronized long newest() {
        if (newest == null) {
            newest = store.newestEpoch();
        }
        return newest;
    }
}
