package io.lifeboat.replication.link;

import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.link.LinkDefinition;

import java.util.Properties;
import java.util.stream.Collectors;

/** The Debezium PostgreSQL connector's configuration for one link: every choice in one visible place. */
public final class DebeziumProperties {

    private DebeziumProperties() {
    }

    /**
     * @param kafka the service's Kafka client settings (every {@code kafka.*} key: servers, TLS, SASL): Debezium's
     *              offset store uses them as they are, like the service's own clients
     */
    public static Properties of(LinkDefinition link, java.util.Map<String, Object> kafka,
            String offsetsTopic, short replicationFactor, String topicPrefix) {
        Properties p = new Properties();
        kafka.forEach((k, v) -> p.put(k, v instanceof String ? v : String.valueOf(v)));
        p.setProperty("name", "lifeboat-" + link.id());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("tasks.max", "1");
        // Offsets in Kafka, next to the changes: a restarted pod, anywhere, resumes where the last one stopped.
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        p.setProperty("offset.storage.topic", offsetsTopic);
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(replicationFactor));
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("offset.flush.timeout.ms", "10000");

        p.setProperty("database.hostname", link.source().host());
        p.setProperty("database.port", Integer.toString(link.source().port()));
        p.setProperty("database.user", link.source().user());
        p.setProperty("database.password", link.source().password());
        p.setProperty("database.dbname", link.source().database());
        // The WAL stream crosses the WAN: the same TLS as every other connection to the source (sslmode, CA, mTLS).
        link.source().tls().debeziumProperties().forEach(p::setProperty);
        p.setProperty("topic.prefix", topicPrefix + "." + link.id());

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", link.slot());
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("publication.name", link.publication());
        // Lifeboat owns the publication (SourceSetup: the link's tables, and tables added later while running)
        // and the slot; pgoutput sends only published tables, so Debezium filters by schema alone.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("schema.include.list", java.util.stream.Stream.concat(link.schemas().stream(),
                java.util.stream.Stream.of(LifeboatSchema.SCHEMA)).collect(Collectors.joining(",")));
        // No snapshot by Debezium: the first copy is Lifeboat's own COPY (TableCopier), from snapshots that the
        // applier's filter lines up with the slot's stream.
        p.setProperty("snapshot.mode", "no_data");

        // The heartbeat's own row change flows through the slot: an idle source still moves its slot, and the
        // applier sees "caught up" as a recent heartbeat with nothing pending. FENCE leaves the replication user
        // read-write (a role-in-database setting), so heartbeats carry a fenced source's last changes out.
        p.setProperty("heartbeat.interval.ms", Long.toString(link.heartbeatInterval().toMillis()));
        p.setProperty("heartbeat.action.query", heartbeat(link));

        // Values the applier can turn back into exactly what the column held: no lossy doubles, no placeholders
        // it cannot recognise.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("binary.handling.mode", "base64");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("time.precision.mode", "adaptive");
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "true");
        // BEGIN and END of every transaction, in the stream's order: the applier commits only at an END.
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("errors.retry.delay.initial.ms", "300");
        p.setProperty("errors.retry.delay.max.ms", "5000");
        p.setProperty("status.update.interval.ms", "1000");
        // Debezium's context headers (connector name, task, ...) on every record: the capture never reads them, and
        // building them was ~4 % of the decoder thread's allocation in a burst.
        p.setProperty("extended.headers.enabled", "false");
        // Debezium's latency statistics: every change's measurement goes to a publisher thread that keeps DDSketch
        // quantiles for JMX. Off, that thread's per-change work is a no-op (the hand-over itself stays: no setting
        // removes it). Lifeboat measures its own lag and reads none of Debezium's metrics.
        p.setProperty("statistics.metrics.enabled", "false");
        // Bounded: a burst waits in the source's WAL, not in the service's heap. (Not also in bytes:
        // max.queue.size.in.bytes makes Debezium walk every record's structs to size it, a measurable CPU cost.)
        p.setProperty("max.batch.size", "1024");
        p.setProperty("max.queue.size", "2048");
        p.setProperty("poll.interval.ms", "10"); // the longest a change waits for its batch to fill
        return p;
    }

    /** The heartbeat row's upsert, the engine's action query: also written once when a capture starts. */
    static String heartbeat(LinkDefinition link) {
        return "INSERT INTO " + LifeboatSchema.HEARTBEAT_TABLE + " (link_id, beat_at) VALUES ('" + link.id() + "',"
                + " clock_timestamp()) ON CONFLICT (link_id) DO UPDATE SET beat_at = EXCLUDED.beat_at";
    }
}
