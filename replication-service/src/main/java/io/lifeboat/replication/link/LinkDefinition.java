package io.lifeboat.replication.link;

import io.lifeboat.events.db.PostgresTls;
import io.lifeboat.replication.config.ReplicationConfig.LinkConfig;
import io.lifeboat.replication.db.PgEndpoint;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A link's configuration, checked: every problem names its key, so a bad deployment stops at start with a sentence
 * an operator can act on.
 */
public record LinkDefinition(String id, PgEndpoint source, PgEndpoint target, List<String> schemas,
        List<String> tablesInclude, List<String> tablesExclude, String publication, String slot,
        Duration heartbeatInterval, long retainedWalAlertBytes, int batchSize, Duration drainTimeout,
        int copyParallelism, Duration tableWatchInterval) {

    private static final Pattern LINK_ID = Pattern.compile("[a-z][a-z0-9]{0,30}");
    private static final Pattern PG_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern QUALIFIED = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

    public static LinkDefinition from(String id, LinkConfig config) {
        String key = "lifeboat.replication.links." + id + ".";
        // Dashes and dots would be ambiguous in environment variable names and are not allowed in slot names.
        require(LINK_ID.matcher(id).matches(), "lifeboat.replication.links." + id,
                "link id '" + id + "' must be lower-case letters and digits, starting with a letter");
        PgEndpoint source = endpoint(key + "source.", config.source());
        PgEndpoint target = endpoint(key + "target.", config.target());
        require(!source.site().equals(target.site()), key + "target.site",
                "source and target are both site '" + source.site() + "'");
        require(!config.schemas().isEmpty(), key + "schemas", "at least one schema is required");
        config.schemas().forEach(s -> require(PG_NAME.matcher(s).matches(), key + "schemas",
                "'" + s + "' is not a plain lower-case schema name"));
        List<String> include = config.tablesInclude().orElse(List.of());
        List<String> exclude = config.tablesExclude().orElse(List.of());
        include.forEach(t -> require(QUALIFIED.matcher(t).matches(), key + "tables-include",
                "'" + t + "' is not schema.table"));
        exclude.forEach(t -> require(QUALIFIED.matcher(t).matches(), key + "tables-exclude",
                "'" + t + "' is not schema.table"));
        include.forEach(t -> require(config.schemas().contains(t.substring(0, t.indexOf('.'))), key + "tables-include",
                "'" + t + "' is not in one of the link's schemas " + config.schemas()));
        String publication = config.publication().orElse("lifeboat_" + id);
        String slot = config.slot().orElse("lifeboat_" + id);
        require(PG_NAME.matcher(publication).matches(), key + "publication", "'" + publication + "' is not a valid name");
        require(PG_NAME.matcher(slot).matches(), key + "slot",
                "'" + slot + "' is not a valid slot name (lower-case letters, digits, underscores)");
        require(!config.heartbeatInterval().isNegative() && !config.heartbeatInterval().isZero(),
                key + "heartbeat-interval", "must be positive");
        require(config.batchSize() > 0, key + "batch-size", "must be positive");
        require(config.topicPartitions() == 1, key + "topic-partitions", "must be 1: a source transaction spans"
                + " tables, and only one partition keeps the source's commit order across them (with more, the standby"
                + " could see a transaction in part, or transactions out of order)");
        require(config.copyParallelism() > 0, key + "copy-parallelism", "must be positive");
        require(!config.tableWatchInterval().isNegative() && !config.tableWatchInterval().isZero(),
                key + "table-watch-interval", "must be positive");
        return new LinkDefinition(id, source, target, List.copyOf(config.schemas()), List.copyOf(include),
                List.copyOf(exclude), publication, slot, config.heartbeatInterval(), config.retainedWalAlertBytes(),
                config.batchSize(), config.drainTimeout(), config.copyParallelism(), config.tableWatchInterval());
    }

    /** The same link run the other way (after REVERSE): the promoted target becomes the source. */
    public LinkDefinition reversed() {
        return new LinkDefinition(id, target, source, schemas, tablesInclude, tablesExclude, publication, slot,
                heartbeatInterval, retainedWalAlertBytes, batchSize, drainTimeout, copyParallelism, tableWatchInterval);
    }

    /** Whether a table (schema.table) is one this link replicates. */
    public boolean replicates(String qualifiedTable) {
        String schema = qualifiedTable.substring(0, qualifiedTable.indexOf('.'));
        if (!schemas.contains(schema) || tablesExclude.contains(qualifiedTable)) {
            return false;
        }
        return tablesInclude.isEmpty() || tablesInclude.contains(qualifiedTable);
    }

    private static PgEndpoint endpoint(String prefix, io.lifeboat.replication.config.ReplicationConfig.Endpoint e) {
        require(!e.site().isBlank(), prefix + "site", "is empty");
        require(!e.user().isBlank(), prefix + "user", "is empty");
        require(!e.password().isEmpty(), prefix + "password", "is empty");
        try {
            PostgresTls tls = PostgresTls.of(prefix + "tls.", e.tls());
            try {
                return PgEndpoint.of(e.site(), e.jdbcUrl(), e.user(), e.password(), tls);
            } catch (IllegalArgumentException bad) {
                throw new InvalidLinkConfig(prefix + "jdbc-url", bad.getMessage());
            }
        } catch (IllegalArgumentException badTls) {
            // PostgresTls names its key already.
            throw new InvalidLinkConfig(badTls.getMessage());
        }
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new InvalidLinkConfig(key, problem);
        }
    }

    /** A configuration problem, naming the key. */
    public static final class InvalidLinkConfig extends RuntimeException {
        public InvalidLinkConfig(String key, String problem) {
            super(key + ": " + problem);
        }

        InvalidLinkConfig(String keyAndProblem) {
            super(keyAndProblem);
        }
    }
}
