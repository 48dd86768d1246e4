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
     * Makes DNS point at {@code target}. Idempotent: switching to where DNS already points changes nothing.
     *
     * @return what was written, in words
     * @throws DnsException when the provider refused or could not be reached
     */
    String switchTo(DnsTarget target) throws DnsException;

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
}
