package io.lifeboat.heartbeat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lifeboat.warden}: the optional site warden, which holds a lease for this site's role and fences the site's
 * own database when it cannot renew it. The raw shape only: {@link WardenSettings} checks it.
 */
@ConfigMapping(prefix = "lifeboat.warden")
public interface WardenConfig {

    /** Off by default: only the instance that runs at a site (the home overlay) guards it. */
    @WithDefault("false")
    boolean enabled();

    /** Longest time without an acknowledged renewal before the site fences itself. */
    @WithName("lease-timeout")
    @WithDefault("2.5s")
    Duration leaseTimeout();

    /** How often a renewal is sent. */
    @WithName("renew-every")
    @WithDefault("500ms")
    Duration renewEvery();

    /** The most a fence may take (connect, lock the roles, end their sessions): also its JDBC timeouts. */
    @WithName("fence-allowance")
    @WithDefault("1.5s")
    Duration fenceAllowance();

    /** failover-service's {@code lifeboat.failover.grace}: the same value, so the start can check the bound. */
    @WithName("failover-grace")
    @WithDefault("5s")
    Duration failoverGrace();

    /** The compacted topic the lease is renewed on, one record per site. */
    @WithName("lease-topic")
    @WithDefault("lifeboat.site-leases")
    String leaseTopic();

    /** The DR state to follow (failover-service's {@code lifeboat.failover.state-id}). */
    @WithName("state-id")
    @WithDefault("lifeboat")
    String stateId();

    /** The application's roles: the ones a fence takes LOGIN from. */
    @WithName("application-roles")
    Optional<List<String>> applicationRoles();

    /** The site's PostgreSQL servers, by a name of the operator's choosing. */
    Map<String, Database> databases();

    interface Database {
        /** {@code jdbc:postgresql://host:port/db}. */
        Optional<String> url();

        /** Lifeboat's fence role (CREATEROLE with ADMIN OPTION on the application roles, pg_signal_backend). */
        Optional<String> user();

        /** Never logged. */
        Optional<String> password();
    }
}
