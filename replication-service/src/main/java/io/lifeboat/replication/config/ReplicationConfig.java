package io.lifeboat.replication.config;

import io.lifeboat.events.db.PostgresTlsConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code lifeboat.replication.*}. Each link is {@code lifeboat.replication.links.<id>.*}; as
 * environment variables, {@code LIFEBOAT_REPLICATION_LINKS_<ID>_SOURCE_JDBC_URL} and so on (README lists them all).
 */
@ConfigMapping(prefix = "lifeboat.replication")
public interface ReplicationConfig {

    Map<String, LinkConfig> links();

    /** Debezium's offsets (where each link's source stopped reading) live in this compacted topic. */
    @WithName("offsets-topic")
    @WithDefault("lifeboat.replication.offsets")
    String offsetsTopic();

    /** Each link's durable state (direction, connector, newest epoch, phase): a compacted topic, key = link id. */
    @WithName("state-topic")
    @WithDefault("lifeboat.replication.state")
    String stateTopic();

    /**
     * {@code compression.type} of the change producer: {@code none} spends no CPU where the broker is near (every
     * compressed batch is also decompressed by the broker and the applier); {@code lz4} or {@code zstd} where the
     * link to the broker is a WAN.
     */
    @WithName("producer-compression")
    @WithDefault("none")
    String producerCompression();

    /** Prefix of the change topics: {@code <prefix>.<link>.<schema>.<table>}. */
    @WithName("cdc-topic-prefix")
    @WithDefault("lifeboat.cdc")
    String cdcTopicPrefix();


    /** Replication factor of the topics this service creates (change topics, offsets). */
    @WithName("topic-replication-factor")
    @WithDefault("1")
    short topicReplicationFactor();

    /** How often the lag feed and the metrics are refreshed (the dashboards expect at least one a second). */
    @WithName("lag-interval")
    @WithDefault("1s")
    Duration lagInterval();

    /** How often the columns of both sides are compared. */
    @WithName("drift-interval")
    @WithDefault("60s")
    Duration driftInterval();

    /**
     * How often every link's two databases are compared by hashes ({@code off}: only on request). Daily by default:
     * a comparison reads every replicated row once at each side.
     */
    @WithName("compare-interval")
    @WithDefault("24h")
    String compareInterval();

    /** How long a comparison waits for the standby to pass the source position it compares at. */
    @WithName("compare-wait")
    @WithDefault("60s")
    Duration compareWait();

    /** How many differing keys per table a comparison names (in its result and its alert). */
    @WithName("compare-keys-reported")
    @WithDefault("20")
    int compareKeysReported();

    interface LinkConfig {

        /** Off keeps the link configured but not running. */
        @WithDefault("true")
        boolean enabled();

        Endpoint source();

        Endpoint target();

        /** Schemas whose tables are replicated. */
        List<String> schemas();

        /** Only these tables ({@code schema.table}); all tables of the schemas when absent. */
        @WithName("tables-include")
        Optional<List<String>> tablesInclude();

        /** Never these tables ({@code schema.table}). */
        @WithName("tables-exclude")
        Optional<List<String>> tablesExclude();

        /** The source's publication; {@code lifeboat_<link>} when absent. */
        Optional<String> publication();

        /** The source's logical replication slot; {@code lifeboat_<link>} when absent. */
        Optional<String> slot();

        /** Debezium heartbeat: keeps an idle slot moving and proves "caught up" (lag 0). */
        @WithName("heartbeat-interval")
        @WithDefault("1s")
        Duration heartbeatInterval();

        /** WAL the slot may hold back before an alert is raised. */
        @WithName("retained-wal-alert-bytes")
        @WithDefault("1073741824")
        long retainedWalAlertBytes();

        /**
         * Most changes applied in one target transaction. 1000: larger transactions kept every fetched, parsed and
         * bound change alive across several young collections of a small heap (promoted, then full GCs).
         */
        @WithName("batch-size")
        @WithDefault("1000")
        int batchSize();

        /** How long DRAIN waits for the source to hand over what it has already written. */
        @WithName("drain-timeout")
        @WithDefault("60s")
        Duration drainTimeout();

        /**
         * Partitions of the link's change topic: must be 1. A source transaction spans tables, and only one partition
         * keeps the source's commit order across them; any other value is refused at start with that reason.
         */
        @WithName("topic-partitions")
        @WithDefault("1")
        int topicPartitions();

        /** Tables copied at once by the first copy (and by REVERSE's and added tables' copies). */
        @WithName("copy-parallelism")
        @WithDefault("2")
        int copyParallelism();

        /** How often the source is checked for tables created in the link's schemas (picked up while running). */
        @WithName("table-watch-interval")
        @WithDefault("10s")
        Duration tableWatchInterval();
    }

    interface Endpoint {

        /** The site id of this side ({@code home}, {@code offsite}). */
        String site();

        /** {@code jdbc:postgresql://host:port/database}, without credentials. */
        @WithName("jdbc-url")
        String jdbcUrl();

        String user();

        /** From an environment variable or a Kubernetes secret; never logged. */
        String password();

        /**
         * TLS of every connection to this database, Debezium's replication connection included
         * ({@code ...source.tls.mode}, {@code ...tls.ca-file}, ...): verify-full once a CA file is set.
         */
        PostgresTlsConfig tls();
    }
}
