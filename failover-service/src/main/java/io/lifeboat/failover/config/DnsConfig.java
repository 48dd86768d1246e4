package io.lifeboat.failover.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Optional;

/**
 * The DNS that sends users to the active site, under {@code lifeboat.dns} (env {@code LIFEBOAT_DNS_*}).
 * The TSIG secret comes from {@code LIFEBOAT_DNS_TSIG_SECRET} (a Kubernetes secret) and is never logged.
 */
@ConfigMapping(prefix = "lifeboat.dns")
public interface DnsConfig {

    /** {@code records}: replace the A/AAAA records of {@link #records()}; {@code delegation}: replace NS records. */
    @WithDefault("records")
    String mode();

    /** The primary server that takes RFC 2136 updates. */
    String host();

    @WithDefault("53")
    int port();

    /** Every authoritative server asked during verification, {@code host:port}; defaults to the primary only. */
    @WithName("verify-servers")
    Optional<List<String>> verifyServers();

    /** The zone updated, e.g. {@code app.lifeboat.test}. */
    String zone();

    /** Names (relative to the zone) switched in records mode, or the delegated names in delegation mode. */
    @WithDefault("portal")
    List<String> records();

    /**
     * The TXT name (relative to the zone) that carries the DR epoch of the last switch; every switch checks and
     * replaces it in the same update. Two DR arrangements sharing a zone need two names.
     */
    @WithName("epoch-record")
    @WithDefault("_lifeboat-epoch")
    String epochRecord();

    /** The TTL written with the new records, in seconds. */
    @WithDefault("30")
    int ttl();

    Tsig tsig();

    interface Tsig {
        @WithName("key-name")
        String keyName();

        @WithDefault("hmac-sha256")
        String algorithm();

        /** Base64; from the environment or a secret; never logged. */
        String secret();
    }
}
