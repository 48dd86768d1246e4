package io.lifeboat.failover.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code lifeboat.failover}: the raw shape only. {@link FailoverSettings} checks the values and
 * names the key of anything wrong; the service refuses to start on a bad value.
 */
@ConfigMapping(prefix = "lifeboat.failover")
public interface FailoverConfig {

    /** The site that is ACTIVE in the regular arrangement; failback returns to it. */
    @WithName("home-site")
    String homeSite();

    /** The key of the DR state on the compacted topic; one per DR arrangement. */
    @WithName("state-id")
    @WithDefault("lifeboat")
    String stateId();

    /** {@code auto}: fail over by itself when the evidence is unambiguous; {@code manual}: always ask a person. */
    @WithDefault("auto")
    String mode();

    /** How long a DOWN verdict must have held before an automatic failover. */
    @WithDefault("5s")
    Duration grace();

    /** The largest replication lag into the standby at which failover is automatic (the data loss accepted). */
    @WithName("allowed-data-loss")
    @WithDefault("5s")
    Duration allowedDataLoss();

    /** A lag report older than this at the outage's start says nothing about the data at risk. */
    @WithName("lag-stale-after")
    @WithDefault("30s")
    Duration lagStaleAfter();

    /** No second automatic failover within this time of the last one. */
    @WithDefault("10m")
    Duration cooldown();

    Quorum quorum();

    /** The two sites, by id, with the addresses users are sent to while a site is ACTIVE. */
    Map<String, SiteConfig> sites();

    /** The database replication links (replication-service link ids) drained, promoted and reversed. */
    @WithName("database-links")
    @WithDefault("main")
    List<String> databaseLinks();

    /** The file mirroring links (filesync-service link ids) reconciled at failback. */
    @WithName("file-links")
    Optional<List<String>> fileLinks();

    Steps steps();

    Failback failback();

    Leadership leadership();

    /** How often the control loop runs when nothing arrives. */
    @WithName("loop-interval")
    @WithDefault("250ms")
    Duration loopInterval();

    interface Quorum {
        /** Agreeing observers a DOWN verdict needs for an automatic failover. */
        @WithName("min-observers")
        @WithDefault("2")
        int minObservers();

        /** Distinct observer locations a DOWN verdict needs for an automatic failover. */
        @WithName("min-locations")
        @WithDefault("2")
        int minLocations();
    }

    interface SiteConfig {
        /** A and/or AAAA addresses (records mode). */
        Optional<List<String>> addresses();

        /** Name servers of the site (NS delegation mode), absolute names. */
        Optional<List<String>> nameservers();
    }

    interface Steps {
        /** How long a command step waits for its CommandFinished, per attempt. */
        @WithDefault("30s")
        Duration timeout();

        /** Attempts of a step before the runbook is STUCK. */
        @WithDefault("3")
        int attempts();

        /** FENCE of a lost site: how long to wait before recording it as unreachable and going on. */
        @WithName("fence-timeout")
        @WithDefault("10s")
        Duration fenceTimeout();

        /** DRAIN and PROMOTE, per attempt. */
        @WithName("drain-timeout")
        @WithDefault("60s")
        Duration drainTimeout();

        /** REVERSE, per attempt: it copies the whole database to the site that comes back, so it can take long. */
        @WithName("reverse-timeout")
        @WithDefault("30m")
        Duration reverseTimeout();

        /** DNS update and verification, per attempt. */
        @WithName("dns-timeout")
        @WithDefault("20s")
        Duration dnsTimeout();
    }

    interface Failback {
        /** The reverse lag at or below which the planned switchover goes ahead. */
        @WithName("max-lag")
        @WithDefault("1s")
        Duration maxLag();

        /** How long failback waits for the reverse replication to catch up, per attempt. */
        @WithName("catch-up-timeout")
        @WithDefault("30m")
        Duration catchUpTimeout();

        /**
         * Start the failback by itself once home has been UP for {@code home-stable-for}: reverse replication and
         * reconciliation, catch-up; the planned switchover then waits for an operator ({@code POST /approve}).
         */
        @WithName("automatic-reverse")
        @WithDefault("false")
        boolean automaticReverse();

        /** How long home must have been UP before an automatic reverse starts. */
        @WithName("home-stable-for")
        @WithDefault("5m")
        Duration homeStableFor();
    }

    interface Leadership {
        /** Shared by all instances of one DR arrangement: the newest producer fences the older ones. */
        @WithName("transactional-id")
        Optional<String> transactionalId();

        /** The consumer group whose owner of the state topic's partition is the leader. */
        @WithName("group-id")
        Optional<String> groupId();

        /** How long a silent (paused, partitioned) leader keeps the leadership before another takes over. */
        @WithName("session-timeout")
        @WithDefault("10s")
        Duration sessionTimeout();

        /**
         * Where the other instances reach this one's API when it leads (operators' actions are forwarded there):
         * {@code http://<pod IP>:8080} on Kubernetes. Default: {@code quarkus.http.host} (this host's address when
         * that is 0.0.0.0) and {@code quarkus.http.port}.
         */
        @WithName("advertised-url")
        Optional<String> advertisedUrl();
    }
}
