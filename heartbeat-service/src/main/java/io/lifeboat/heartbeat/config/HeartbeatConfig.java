package io.lifeboat.heartbeat.config;

import io.lifeboat.events.Severity;
import io.lifeboat.events.db.PostgresTlsConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code lifeboat.heartbeat}. The raw shape only: {@link TargetSpecs} and {@link VerdictSettings}
 * check the values and turn them into what the probes and the verdict logic use, naming the key of anything wrong.
 */
@ConfigMapping(prefix = "lifeboat.heartbeat")
public interface HeartbeatConfig {

    /** This observer's id, unique among observers; application.properties defaults it to the instance id. */
    @WithName("observer-id")
    String observerId();

    /** Where this observer stands (e.g. {@code eu-west}); DOWN needs agreeing observers in more than one location. */
    String location();

    @WithDefault("2s")
    Duration interval();

    /** The default timeout of every probe; a target may set its own. */
    @WithDefault("1.5s")
    Duration timeout();

    /** The sites this observer probes, by site id. */
    Map<String, SiteConfig> sites();

    Verdicts verdict();

    Alerts alerts();

    interface SiteConfig {
        /** The site's targets, by a short name of the operator's choosing ({@code web}, {@code db}, ...). */
        Map<String, TargetConfig> targets();
    }

    interface TargetConfig {
        /**
         * What to probe; the scheme says how: {@code http(s)://...}, {@code tcp://host:port},
         * {@code jdbc:postgresql://host:port/db}, {@code dns://server:port/name}.
         */
        String url();

        /** A site is DOWN only when all its critical targets fail. */
        @WithDefault("true")
        boolean critical();

        Optional<Duration> timeout();

        /** HTTP: accepted status codes, e.g. {@code 200-299} or {@code 200,204,300-399}. */
        @WithName("expect-status")
        @WithDefault("200-399")
        String expectStatus();

        /** HTTP: a substring the body must contain. */
        @WithName("expect-body")
        Optional<String> expectBody();

        /** PostgreSQL: the user to log in as. */
        Optional<String> user();

        /** PostgreSQL: the password; never logged, never in an event. */
        Optional<String> password();

        /** PostgreSQL: TLS ({@code tls.mode}, {@code tls.ca-file}, ...), as replication-service's links take it. */
        PostgresTlsConfig tls();

        /** DNS: the addresses the name must resolve to (any of them); without it any address will do. */
        @WithName("expect-address")
        Optional<List<String>> expectAddress();
    }

    interface Verdicts {
        /** N: consecutive failed probes before a target counts as failing at an observer. */
        @WithName("down-after")
        @WithDefault("3")
        int downAfter();

        /** M: consecutive good probes before a failing target counts as up again. */
        @WithName("up-after")
        @WithDefault("3")
        int upAfter();

        /** How many reporting observers must agree on DOWN: {@code majority} or a number. */
        @WithDefault("majority")
        String quorum();

        /**
         * DOWN never rests on fewer agreeing observers than this, however few are reporting. Set it to 1 only where
         * a single observer runs.
         */
        @WithName("min-agreeing")
        @WithDefault("2")
        int minAgreeing();

        /** Distinct locations the agreeing observers must span, where that many locations are reporting. */
        @WithName("min-locations")
        @WithDefault("2")
        int minLocations();

        /** An observer silent this long is stale: flagged, alerted on, and left out of every quorum. */
        @WithName("stale-after")
        @WithDefault("10s")
        Duration staleAfter();

        /** A stale observer is forgotten (and its alert resolved) after this long, e.g. a pod that was replaced. */
        @WithName("forget-after")
        @WithDefault("15m")
        Duration forgetAfter();

        /** K: this many changes of a target's result (ok/failed) within the window make it flap. */
        @WithName("flap-changes")
        @WithDefault("5")
        int flapChanges();

        @WithName("flap-window")
        @WithDefault("2m")
        Duration flapWindow();
    }

    interface Alerts {
        /** Webhook receivers, by a name of the operator's choosing. */
        Map<String, Receiver> receivers();

        @WithName("initial-backoff")
        @WithDefault("1s")
        Duration initialBackoff();

        @WithName("max-backoff")
        @WithDefault("1m")
        Duration maxBackoff();

        /** A notification still undelivered after this long is dropped (logged), so a dead receiver holds no memory. */
        @WithName("give-up-after")
        @WithDefault("1h")
        Duration giveUpAfter();

        @WithName("request-timeout")
        @WithDefault("5s")
        Duration requestTimeout();

        /** Alertmanager forgets a firing alert that is not sent again (resolve_timeout): re-send this often. */
        @WithName("resend-every")
        @WithDefault("1m")
        Duration resendEvery();

        /**
         * The consumer group of the relay that delivers {@code lifeboat.alerts} to the receivers. Every heartbeat
         * instance with receivers joins it, so each alert is delivered by one of them; they must all configure the
         * same receivers.
         */
        @WithName("relay-group")
        @WithDefault("heartbeat-alert-relay")
        String relayGroup();
    }

    interface Receiver {
        /** {@code generic}, {@code slack}, {@code alertmanager} or {@code cloudevents}. */
        ReceiverKind kind();

        /** Where to POST; for Alertmanager its base URL ({@code /api/v2/alerts} is added). May hold a secret token. */
        String url();

        /** Extra request headers (e.g. {@code Authorization}); values are secrets and never logged. */
        Map<String, String> headers();

        @WithName("min-severity")
        @WithDefault("info")
        Severity minSeverity();

        @WithDefault("true")
        boolean enabled();
    }

    enum ReceiverKind {
        GENERIC,
        SLACK,
        ALERTMANAGER,
        /** A CloudEvents 1.0 structured-mode JSON event per notice, for any CloudEvents-over-HTTP sink. */
        CLOUDEVENTS
    }
}
