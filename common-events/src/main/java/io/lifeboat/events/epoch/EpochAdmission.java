package io.lifeboat.events.epoch;

import java.util.OptionalLong;

/**
 * Which commands a service runs, by their epoch (pure). failover-service's leader raises the epoch and publishes it
 * in the DR state, in the same Kafka transaction as (or before) every command it issues; a command is run only at
 * exactly the epoch that state holds. An older epoch comes from a leader that lost an election it did not hear
 * about; a newer one was published by no leader at all (a forgery, or a tool that made it up), and admitting it
 * would let one command lock out every real one. Neither is run, and neither epoch is kept.
 */
public final class EpochAdmission {

    public enum Verdict {
        /** the epoch failover-service holds: run it */
        ADMITTED,
        /** older than the epoch held: a superseded leader's */
        STALE,
        /** newer than any epoch failover-service published */
        FROM_NOWHERE,
        /** failover-service has published no state yet: there is no epoch to run at */
        NO_EPOCH
    }

    /** The verdict and, unless admitted, the reason in words. */
    public record Decision(Verdict verdict, long epoch, String reason) {

        public boolean admitted() {
            return verdict == Verdict.ADMITTED;
        }
    }

    private EpochAdmission() {
    }

    /**
     * @param epoch the command's epoch
     * @param held  the epoch of failover-service's newest committed DR state, empty when it has published none
     */
    public static Decision admit(long epoch, OptionalLong held) {
        if (held.isEmpty()) {
            return new Decision(Verdict.NO_EPOCH, epoch, "epoch " + epoch + " cannot be checked: failover-service "
                    + "has published no DR state yet, so no epoch is current");
        }
        long current = held.getAsLong();
        if (epoch < current) {
            return new Decision(Verdict.STALE, epoch, "epoch " + epoch + " is older than " + current);
        }
        if (epoch > current) {
            return new Decision(Verdict.FROM_NOWHERE, epoch, "epoch " + epoch + " is newer than any failover-service "
                    + "published (it holds " + current + "): not issued by its leader");
        }
        return new Decision(Verdict.ADMITTED, epoch, "epoch " + epoch + " is the epoch failover-service holds");
    }
}
