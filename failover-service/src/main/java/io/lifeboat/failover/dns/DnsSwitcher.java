package io.lifeboat.failover.dns;

import java.time.Duration;

/**
 * Sends users to a site by changing DNS, and checks that DNS really says so. {@link Rfc2136DnsSwitcher} does it
 * with signed dynamic updates (BIND, PowerDNS, Knot, Windows DNS); other providers (Route 53, Cloudflare,
 * ExternalDNS) implement the same two methods: see the module README.
 */
public interface DnsSwitcher {

    /** The provider and what it changes, for logs and the API; never a secret. */
    String describe();

    /**
     * Makes DNS point at {@code target} and records {@code epoch} beside it, in one change that the provider applies
     * only if no switch of a newer epoch happened since: a superseded leader cannot move users back. Idempotent:
     * the same switch at the same epoch again (its first answer lost) succeeds.
     *
     * @param epoch the DR epoch of the run that switches
     * @return what was written, in words
     * @throws EpochRefusedException when DNS already carries a newer switch (not transient: never retry it)
     * @throws DnsException when the provider refused for another reason or could not be reached
     */
    String switchTo(DnsTarget target, long epoch) throws DnsException;

    /**
     * Asks every authoritative server directly, again and again until each answers {@code target} or the time is up.
     * Never assumes: a server that does not answer counts as not switched.
     */
    Verification verify(DnsTarget target, Duration timeout);

    /** The outcome of a verification, with each server's last answer. */
    record Verification(boolean verified, String summary, java.util.Map<String, String> answers) {
    }

    class DnsException extends Exception {
        public DnsException(String message) {
            super(message);
        }

        public DnsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The switch was refused because of the epoch: DNS holds a newer switch (or one this switch cannot replace), so
     * this leader is superseded and nothing changed. Retrying cannot help; a person must look if it is not simply a
     * former leader that was paused.
     */
    class EpochRefusedException extends DnsException {
        private final long epoch;
        private final String zoneHolds;
        private final String rcode;

        /**
         * @param zoneHolds what the epoch record held when last read, in words
         * @param rcode     the server's answer (NXRRSET, YXRRSET) when it refused the update itself; null when the
         *                  switch was refused before sending, from what was read
         */
        public EpochRefusedException(String message, long epoch, String zoneHolds, String rcode) {
            super(message);
            this.epoch = epoch;
            this.zoneHolds = zoneHolds;
            this.rcode = rcode;
        }

        /** The epoch of the refused switch. */
        public long epoch() {
            return epoch;
        }

        public String zoneHolds() {
            return zoneHolds;
        }

        public java.util.Optional<String> rcode() {
            return java.util.Optional.ofNullable(rcode);
        }
    }
}
