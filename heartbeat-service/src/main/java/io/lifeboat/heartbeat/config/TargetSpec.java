package io.lifeboat.heartbeat.config;

import io.lifeboat.events.db.PostgresTls;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One checked target of one site: what the probes use. {@link #display()} is how it appears in events, logs and
 * reasons, always without credentials; {@link #toString()} never shows the password either.
 *
 * @param name      the operator's short name for it ({@code web}, {@code db})
 * @param address   the URL as configured, for the probe itself (may hold a user name, never a password)
 * @param tls       for PostgreSQL: how the connection is secured (none for the other kinds)
 * @param dnsServer for DNS: host and port of the server to ask; {@code dnsName} the name to ask for
 */
public record TargetSpec(String siteId, String name, TargetKind kind, String address, String display,
        boolean critical, Duration timeout, StatusRange expectStatus, Optional<String> expectBody,
        Optional<String> user, Optional<String> password, URI dnsServer, String dnsName,
        List<String> expectAddresses, PostgresTls tls) {

    /** The config prefix of this target, for messages that name the key to fix. */
    public String key() {
        return TargetSpecs.PREFIX + ".sites." + siteId + ".targets." + name;
    }

    @Override
    public String toString() {
        return siteId + "/" + name + " " + kind + " " + display + (critical ? " (critical)" : "");
    }
}
