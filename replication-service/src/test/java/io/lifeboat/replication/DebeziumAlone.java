package io.lifeboat.replication;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.link.LinkDefinition;
import io.lifeboat.replication.link.DebeziumProperties;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * The Debezium embedded engine on its own, with the connector configuration the service uses
 * ({@link DebeziumProperties}: pgoutput, the same table and the heartbeat table, same batch and queue bounds), its own
 * slot and publication in a database of its own, every change counted and discarded. Whatever a pipeline built on
 * this engine does after it (JSON, Kafka, the applier) can only be slower: its burst rate bounds Lifeboat's.
 *
 * <p>It runs in the test JVM (C2, a heap of gigabytes), which favours it over the service's 96 MB, C1-only JVM: the
 * bound is generous, not tight.
 */
final class DebeziumAlone {

    static final String DATABASE = "bench_debezium";
    private static final String LINK = "benchdbz";

    record Figures(double burstRowsPerSecond) {
    }

    private DebeziumAlone() {
    }

    /**
     * The same load as the other two runs (warm-up and steady, then the burst in transactions of 10,000), and the
     * burst's rows/s: from the first burst row's {@code created_at} at the source to the moment the engine handed
     * over the last one.
     */
    static Figures measure(PostgresServer home, PostgresServer offsite, String bootstrapServers, int steadySeconds,
            int burst) throws Exception {
        try (Connection h = home.connect(DATABASE)) {
            LifeboatSchema.ensure(h); // the heartbeat table the configuration includes
            // Lifeboat owns its publications (Debezium's autocreate is off): the same tables as the link.
            try (var s = h.createStatement()) {
                s.execute("DROP PUBLICATION IF EXISTS lifeboat_" + LINK);
                s.execute("CREATE PUBLICATION lifeboat_" + LINK + " FOR TABLE bench.events, "
                        + LifeboatSchema.HEARTBEAT_TABLE);
            }
        }
        PgEndpoint source = PgEndpoint.of("home", home.jdbcUrl(DATABASE), home.user(), home.password());
        PgEndpoint target = PgEndpoint.of("offsite", offsite.jdbcUrl(DATABASE), offsite.user(), offsite.password());
        LinkDefinition link = new LinkDefinition(LINK, source, target, List.of("bench"), List.of(), List.of(),
                "lifeboat_" + LINK, "lifeboat_" + LINK, Duration.ofSeconds(1), 1L << 30, 1000, Duration.ofSeconds(60),
                1, Duration.ofSeconds(10));
        Properties config = DebeziumProperties.of(link, Map.of("bootstrap.servers", bootstrapServers),
                "bench.debezium-alone.offsets", (short) 1, "lifeboat.cdc");
        // The service copies by COPY and streams with no_data; alone, the engine takes its own snapshot of the one
        // warm-up row, which tells when it streams.
        config.setProperty("snapshot.mode", "initial");

        Counter counter = new Counter();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
                .create(ChangeEventFormat.of(Connect.class))
                .using(config)
                .notifying((batch, committer) -> {
                    for (RecordChangeEvent<SourceRecord> change : batch) {
                        counter.see(change.record());
                        committer.markProcessed(change);
                    }
                    committer.markBatchFinished();
                })
                .build()) {
            thread.execute(engine);
            // The snapshot (the one warm-up row) is through: the engine streams from its slot.
            await().atMost(Duration.ofSeconds(120)).until(() -> counter.rows.get() >= 1);
            long id = ReplicationBenchmarkIT.steady(home, DATABASE, 1, steadySeconds);
            long steadyRows = id - 1;
            await().atMost(Duration.ofSeconds(300)).until(() -> counter.rows.get() >= 1 + steadyRows);

            long first = id;
            counter.countBurstFrom(first, burst);
            try (Connection h = home.connect(DATABASE); Statement s = h.createStatement()) {
                for (long from = first; from < first + burst; from += 10_000) {
                    s.execute("INSERT INTO bench.events (id, payload) SELECT g, md5(g::text) FROM generate_series("
                            + from + ", " + Math.min(from + 9_999, first + burst - 1) + ") g");
                }
            }
            await().atMost(Duration.ofSeconds(600)).until(() -> counter.burstDoneAtMillis.get() > 0);
            double began;
            try (Connection h = home.connect(DATABASE); Statement s = h.createStatement();
                 ResultSet r = s.executeQuery("SELECT extract(epoch FROM min(created_at)) FROM bench.events WHERE id >= "
                         + first)) {
                r.next();
                began = r.getDouble(1);
            }
            double seconds = counter.burstDoneAtMillis.get() / 1000.0 - began;
            return new Figures(burst / seconds);
        } finally {
            thread.shutdown();
            thread.awaitTermination(30, TimeUnit.SECONDS);
            try (Connection h = home.connect(DATABASE); Statement s = h.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'lifeboat_"
                        + LINK + "' AND NOT active");
            }
        }
    }

    /** Counts the rows of bench.events the engine hands over; notes when the burst's last one arrived. */
    private static final class Counter {
        final AtomicLong rows = new AtomicLong();
        final AtomicLong burstRows = new AtomicLong();
        final AtomicLong burstDoneAtMillis = new AtomicLong();
        volatile long burstFirstId = Long.MAX_VALUE;
        volatile long burstSize;

        void countBurstFrom(long firstId, long size) {
            burstSize = size;
            burstFirstId = firstId;
        }

        void see(SourceRecord record) {
            if (!(record.value() instanceof Struct envelope) || !record.topic().endsWith(".bench.events")) {
                return; // heartbeats
            }
            Struct after = envelope.getStruct("after");
            if (after == null) {
                return;
            }
            rows.incrementAndGet();
            if (after.getInt64("id") >= burstFirstId && burstRows.incrementAndGet() == burstSize) {
                burstDoneAtMillis.set(System.currentTimeMillis());
            }
        }
    }
}
