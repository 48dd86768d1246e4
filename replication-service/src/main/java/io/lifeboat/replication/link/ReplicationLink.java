package io.lifeboat.replication.link;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.AlertResolved;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.LinkStateChanged;
import io.lifeboat.events.Severity;
import io.lifeboat.replication.apply.ApplierListener;
import io.lifeboat.replication.apply.ApplierStatus;
import io.lifeboat.replication.apply.ChangeApplier;
import io.lifeboat.replication.apply.SourcePosition;
import io.lifeboat.replication.apply.Unappliable;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.drift.ColumnDrift;
import io.lifeboat.replication.drift.SchemaComparison;
import io.lifeboat.replication.source.ChangeSource;
import io.lifeboat.replication.source.DebeziumProperties;
import io.lifeboat.replication.source.SourceListener;
import io.lifeboat.replication.state.LinkStateStore;
import io.lifeboat.replication.state.PersistedLink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One replication link at run time: its capture ({@link ChangeSource}), its applier ({@link ChangeApplier}), its
 * state with the reason for it, and the commands that move it. Every decision is logged and published with its
 * reason.
 */
public final class ReplicationLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReplicationLink.class);

    /** Where the link's service-level settings come from. */
    public record Environment(String bootstrapServers, String offsetsTopic, String cdcTopicPrefix,
            String strandedTopicPrefix, short replicationFactor, LinkEvents events,
            BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters, LinkStateStore states,
            String producerCompression) {
    }

    private final Environment env;
    private final ScheduledExecutorService threads;
    private final Instant startedAt = Instant.now();
    private volatile LinkDefinition definition;
    private volatile String connectorName;
    private volatile Map<String, TableShape> sourceTables = Map.of();
    private volatile ChangeSource source;
    private volatile ChangeApplier applier;
    private volatile LinkState state = LinkState.STARTING;
    private volatile String reason = "starting";
    private volatile long producedLsn = -1;
    /** Whether the last drain captured everything the source had written when it began (the source answered). */
    private volatile boolean drainedToSourceEnd;
    private volatile long producedChanges;
    private volatile Long retainedWalBytes;
    private volatile boolean retentionAlerted;
    private volatile List<ColumnDrift> drift = List.of();
    private volatile boolean capturing;
    private volatile boolean closed;
    private volatile long epoch = -1;
    private volatile PersistedLink.Phase phase = PersistedLink.Phase.RUNNING;

    /**
     * @param persisted the link's state stored before a restart (direction, connector, epoch, phase), or null on a
     *                  link's first start: the configured direction is then the current one
     */
    public ReplicationLink(LinkDefinition configured, Environment env, PersistedLink persisted) {
        this.env = env;
        LinkDefinition definition = configured;
        String connector = "lifeboat-" + configured.id() + "-" + configured.source().site();
        if (persisted != null) {
            boolean same = persisted.sourceSite().equals(configured.source().site())
                    && persisted.targetSite().equals(configured.target().site());
            boolean reversed = persisted.sourceSite().equals(configured.target().site())
                    && persisted.targetSite().equals(configured.source().site());
            if (same || reversed) {
                definition = reversed ? configured.reversed() : configured;
                connector = persisted.connector();
                phase = persisted.phase();
            } else {
                LOG.warnf("link %s: stored direction %s → %s does not match the configured sites %s and %s; running"
                        + " as configured", configured.id(), persisted.sourceSite(), persisted.targetSite(),
                        configured.source().site(), configured.target().site());
            }
            epoch = persisted.epoch();
        }
        this.definition = definition;
        this.connectorName = connector;
        this.threads = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "link-" + configured.id());
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return definition.id();
    }

    public LinkDefinition definition() {
        return definition;
    }

    /**
     * Checks the source's tables (every one must have a primary key) and starts capture and apply. A source that
     * cannot be reached is retried in the background: the standby side must keep working when the source is lost.
     *
     * @throws MissingPrimaryKeys when replicated tables have no primary key
     */
    public void start() {
        boolean stopped = phase == PersistedLink.Phase.DRAINED || phase == PersistedLink.Phase.PROMOTED;
        if (phase != PersistedLink.Phase.RUNNING) {
            // What a command did before the restart holds: a drained or promoted link does not capture again, a
            // promoted target is not guarded again, a paused link stays paused.
            changeState(switch (phase) {
                case PAUSED -> LinkState.PAUSED;
                case DRAINED -> LinkState.DRAINED;
                default -> LinkState.PROMOTED;
            }, "restored from " + env.states().topic() + ": " + phase + ", " + definition.source().site() + " → "
                    + definition.target().site() + ", epoch " + epoch);
        }
        try {
            preflight();
        } catch (SQLException e) {
            LOG.warnf("link %s: source %s unreachable at start (%s); applying what Kafka holds, capture retried",
                    id(), definition.source(), e.getMessage());
        }
        startApplier(phase != PersistedLink.Phase.RUNNING, phase != PersistedLink.Phase.PROMOTED);
        if (stopped) {
            LOG.infof("link %s: %s before the restart; capture stays stopped", id(), phase);
        } else if (!sourceTables.isEmpty()) {
            startCapture();
        } else {
            threads.schedule(this::retryPreflight, 5, TimeUnit.SECONDS);
        }
        threads.scheduleWithFixedDelay(this::watchSlot, 0, 5, TimeUnit.SECONDS);
    }

    private void retryPreflight() {
        if (closed || capturing || state == LinkState.DRAINED || state == LinkState.PROMOTED) {
            return;
        }
        try {
            preflight();
            startCapture();
        } catch (SQLException e) {
            threads.schedule(this::retryPreflight, 5, TimeUnit.SECONDS);
        } catch (MissingPrimaryKeys e) {
            changeState(LinkState.FAILED, e.getMessage());
        }
    }

    private void preflight() throws SQLException {
        try (Connection c = definition.source().connect("lifeboat-preflight-" + id())) {
            Map<String, TableShape> tables = replicated(TableCatalog.read(c, definition.schemas()));
            List<String> keyless = tables.values().stream().filter(t -> t.primaryKey().isEmpty())
                    .map(TableShape::qualified).sorted().toList();
            if (!keyless.isEmpty()) {
                throw new MissingPrimaryKeys(id(), keyless);
            }
            if (tables.isEmpty()) {
                LOG.warnf("link %s: no table of schemas %s at %s to replicate", id(), definition.schemas(),
                        definition.source());
            }
            LifeboatSchema.ensure(c);
            sourceTables = tables;
        }
    }

    private Map<String, TableShape> replicated(Map<String, TableShape> all) {
        Map<String, TableShape> tables = new TreeMap<>();
        all.forEach((name, shape) -> {
            if (definition.replicates(name)) {
                tables.put(name, shape);
            }
        });
        return tables;
    }

    private void startApplier(boolean paused, boolean guard) {
        LinkDefinition d = definition;
        applier = ChangeApplier.builder()
                .linkId(id())
                .target(d.target())
                .topicPrefix(env.cdcTopicPrefix() + "." + id() + ".")
                .schemas(d.schemas())
                .bootstrapServers(env.bootstrapServers())
                .batchSize(d.batchSize())
                .deadLetters(env.deadLetters())
                .listener(new ApplierEvents())
                .build();
        if (paused) {
            applier.pause(); // queued: the loop runs it before its first poll
        }
        Thread thread = new Thread(applier, "applier-" + id());
        thread.setDaemon(true);
        thread.start();
        if (!guard) {
            return;
        }
        // A standby refuses writes from everyone but the applier, from the first moment.
        applier.withConnection(c -> {
            Map<String, TableShape> tables = replicated(TableCatalog.read(c, d.schemas()));
            SiteGuard.install(c, tables.values(), d.target().site() + " is the standby of link " + id()
                    + "; writes are refused until it is promoted");
            return tables.size();
        }).whenComplete((n, e) -> {
            if (e != null) {
                LOG.warnf("link %s: read-only guard not yet installed at %s: %s", id(), d.target(), e.getMessage());
            } else {
                LOG.infof("link %s: read-only guard on %d tables at %s", id(), n, d.target());
            }
        });
    }

    private synchronized void startCapture() {
        // A restart scheduled before a drain or reversal took the link must not start capture behind its back.
        if (closed || capturing || state == LinkState.DRAINED || state == LinkState.PROMOTED
                || state == LinkState.REVERSING) {
            return;
        }
        capturing = true;
        if (state != LinkState.PAUSED && state != LinkState.DRAINING) {
            changeState(LinkState.SNAPSHOTTING.equals(state) ? state : LinkState.STREAMING.equals(state) ? state
                    : LinkState.STARTING, "capture starting from " + definition.source());
        }
        source = newSource(connectorName, env.cdcTopicPrefix(), t -> t, r -> true, false);
        threads.execute(source);
    }

    private ChangeSource newSource(String name, String prefix, java.util.function.Function<String, String> route,
            java.util.function.Predicate<org.apache.kafka.connect.source.SourceRecord> keep, boolean noSnapshot) {
        java.util.Properties p = DebeziumProperties.of(definition, sourceTables.keySet(), env.bootstrapServers(),
                env.offsetsTopic(), env.replicationFactor(), prefix);
        p.setProperty("name", name);
        if (noSnapshot) {
            p.setProperty("snapshot.mode", "no_data");
        }
        return ChangeSource.builder().linkId(id()).debezium(p).route(route).keep(keep)
                .bootstrapServers(env.bootstrapServers()).topics(definition.topicPartitions(), env.replicationFactor())
                .compression(env.producerCompression())
                .listener(new SourceEvents()).build();
    }

    private final class SourceEvents implements SourceListener {
        @Override
        public void produced(int records, long lastLsn, long lastCommitMillis, boolean snapshot) {
            producedChanges += records;
            producedLsn = Math.max(producedLsn, lastLsn);
            if (snapshot && state == LinkState.STARTING) {
                changeState(LinkState.SNAPSHOTTING, "initial snapshot of " + sourceTables.size() + " tables");
            } else if (!snapshot && (state == LinkState.STARTING || state == LinkState.SNAPSHOTTING)) {
                changeState(LinkState.STREAMING, "streaming from slot " + definition.slot());
            }
        }

        @Override
        public void stopped(String message, Throwable error) {
            capturing = false;
            if (error == null || closed) {
                return;
            }
            LOG.warnf("link %s: capture stopped (%s); restarting in 5 s from the last acknowledged offset", id(),
                    error.getMessage());
            ChangeSource failed = source;
            threads.schedule(() -> {
                if (failed != null) {
                    failed.close();
                }
                if (state != LinkState.DRAINING && state != LinkState.DRAINED && state != LinkState.PROMOTED
                        && state != LinkState.REVERSING) {
                    startCapture();
                }
            }, 5, TimeUnit.SECONDS);
        }
    }

    private final class ApplierEvents implements ApplierListener {
        @Override
        public void tableStopped(Unappliable u) {
            changeState(LinkState.STALLED, "table " + u.table() + " stopped at " + u.topic() + "-" + u.partition()
                    + "@" + u.offset() + ": " + u.cause());
            env.events().alert(new AlertRaised(alertId("apply-stopped", u.table()), "APPLY_STOPPED", Severity.CRITICAL,
                    definition.target().site(), "link " + id() + ": change to " + u.table() + " at " + u.topic() + "-"
                    + u.partition() + "@" + u.offset() + " (key " + u.key() + ") cannot be applied: " + u.cause()
                    + "; other tables go on; fix it, then POST /links/" + id() + "/tables/" + u.table() + "/resume",
                    "replication-service", Instant.now(), Map.of("link", id(), "table", u.table(), "topic", u.topic(),
                    "partition", Integer.toString(u.partition()), "offset", Long.toString(u.offset()),
                    "key", String.valueOf(u.key()))));
        }

        @Override
        public void tableResumed(String table) {
            env.events().resolved(new AlertResolved(alertId("apply-stopped", table), "APPLY_STOPPED",
                    definition.target().site(), "table " + table + " resumed by an operator", "replication-service",
                    Instant.now()));
            if (state == LinkState.STALLED) {
                changeState(LinkState.STREAMING, "table " + table + " resumed");
            }
        }

        @Override
        public void failing(String why) {
            LOG.debugf("link %s: applier failing: %s", id(), why);
        }

        @Override
        public void recovered() {
            LOG.debugf("link %s: applier recovered", id());
        }
    }

    private String alertId(String kind, String what) {
        return kind + ":" + id() + ":" + what;
    }

    // ---- commands ---------------------------------------------------------------------------------------------

    public synchronized String pause(String why) {
        if (state == LinkState.PROMOTED || state == LinkState.DRAINED) {
            throw new Refused("link " + id() + " is " + state + "; there is nothing to pause");
        }
        persist(PersistedLink.Phase.PAUSED, definition, connectorName);
        applier.pause();
        // Capture goes on: the changes keep leaving the source and wait in Kafka, so the recovery point holds.
        changeState(LinkState.PAUSED, why);
        return "applying paused; capture goes on into Kafka";
    }

    public synchronized String resume(String why) {
        if (state != LinkState.PAUSED) {
            throw new Refused("link " + id() + " is " + state + ", not PAUSED");
        }
        persist(PersistedLink.Phase.RUNNING, definition, connectorName);
        applier.resume();
        changeState(LinkState.STREAMING, why);
        return "applying resumed";
    }

    /** Applies everything the source has produced, then stops both halves. */
    public synchronized Map<String, String> drain(String why) throws Exception {
        return drain(why, true);
    }

    /**
     * @param toSourceEnd whether a link already DRAINED short of the source's end (or not known to have reached it,
     *                    after a restart) is drained again; an unplanned promotion takes what it has
     */
    private Map<String, String> drain(String why, boolean toSourceEnd) throws Exception {
        boolean again = state == LinkState.DRAINED && !drainedToSourceEnd && toSourceEnd;
        if (state == LinkState.PROMOTED || (state == LinkState.DRAINED && !again)) {
            return finalPosition();
        }
        changeState(LinkState.DRAINING, again ? "draining again, capture resuming from its stored offsets if "
                + definition.source().site() + " answers: the last drain is not known to have reached the end of its"
                + " WAL (" + reason + "); " + why : why);
        drainedToSourceEnd = false;
        String sourceNote;
        ApplierStatus done;
        try {
            if (again) {
                try {
                    preflight(); // also fills in the tables when the source was away at start
                    startCapture();
                } catch (SQLException unreachable) {
                    // No capture is started: catchUpWithSource finds the source unreachable too and says so.
                }
            }
            sourceNote = catchUpWithSource();
            stopCapture();
            done = applier.drain().get(definition.drainTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (again) {
                // The stored phase is still DRAINED, and so is the link: a later retry drains again.
                stopCapture();
                changeState(LinkState.DRAINED, "draining again failed, still drained as before: " + e.getMessage());
            }
            throw e;
        }
        persist(PersistedLink.Phase.DRAINED, definition, connectorName);
        changeState(LinkState.DRAINED, "drained: " + sourceNote + "; applied up to " + positionText(done.applied()));
        Map<String, String> details = new java.util.LinkedHashMap<>(finalPosition());
        details.put("source", sourceNote);
        return details;
    }

    /** If the source answers, waits until capture has passed its current WAL position. */
    private String catchUpWithSource() throws InterruptedException {
        long targetLsn;
        try (Connection c = definition.source().connect("lifeboat-drain-" + id());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            r.next();
            targetLsn = SourcePosition.parseLsn(r.getString(1));
        } catch (SQLException unreachable) {
            return "source unreachable (" + unreachable.getMessage().lines().findFirst().orElse("") + "): applied what"
                    + " Kafka holds";
        }
        Instant deadline = Instant.now().plus(definition.drainTimeout());
        while (producedLsn < targetLsn && Instant.now().isBefore(deadline)) {
            Thread.sleep(100); // waiting on the capture thread's progress, bounded by drain-timeout
        }
        drainedToSourceEnd = producedLsn >= targetLsn;
        return drainedToSourceEnd ? "source reachable, captured past its WAL position " + SourcePosition.lsnText(targetLsn)
                : "source reachable but capture did not reach " + SourcePosition.lsnText(targetLsn) + " within "
                + definition.drainTimeout().toSeconds() + " s";
    }

    private void stopCapture() {
        ChangeSource running = source;
        source = null;
        if (running != null) {
            running.close();
        }
        capturing = false;
    }

    /**
     * Drain, move sequences past the data, lift the guard. {@code sourceLostAt} (ISO instant) gives the data-loss
     * window: the source's commit time of the last applied change against it. A {@code planned} promotion (a
     * switchover with the source fenced and answering) loses nothing or does not happen: its window is 0 when the
     * drain captured the source's WAL up to where it stood, and it is refused otherwise.
     */
    public synchronized Map<String, String> promote(String sourceLostAt, boolean planned, String why) throws Exception {
        if (state == LinkState.PROMOTED) {
            // A retry of a PROMOTE whose answer was lost: the same outcome again, not a refusal that strands a runbook.
            return Map.of("result", "link " + id() + " is already PROMOTED at " + definition.target().site());
        }
        Map<String, String> details = new java.util.LinkedHashMap<>(drain("drain before promotion: " + why, planned));
        if (planned && !drainedToSourceEnd) {
            String refusal = "planned promotion refused: the drain did not capture everything "
                    + definition.source().site() + " had written (" + details.getOrDefault("source", "source not checked")
                    + "); promoting now could lose data. PROMOTE again once it answers: the drain then runs again";
            changeState(LinkState.DRAINED, refusal);
            throw new Refused(refusal);
        }
        Map<String, TableShape> tables = applier.withConnection(c -> {
            Map<String, TableShape> t = replicated(TableCatalog.read(c, definition.schemas()));
            details.put("sequencesAdvanced", Integer.toString(SiteGuard.advanceSequences(c, t.values())));
            SiteGuard.lift(c, t.values());
            return t;
        }).get(60, TimeUnit.SECONDS);
        ApplierStatus s = applier.status();
        long lastCommit = lastAppliedCommit(s);
        Instant lost = sourceLostAt == null || sourceLostAt.isBlank() ? Instant.now() : Instant.parse(sourceLostAt);
        details.put("guardLifted", Integer.toString(tables.size()));
        if (planned) {
            details.put("dataLossWindowMs", "0");
        } else {
            details.put("dataLossWindowMs", lastCommit <= 0 ? "unknown"
                    : Long.toString(Math.max(0, lost.toEpochMilli() - lastCommit)));
            details.put("sourceLostAt", lost.toString());
        }
        persist(PersistedLink.Phase.PROMOTED, definition, connectorName);
        changeState(LinkState.PROMOTED, definition.target().site() + " promoted: accepts writes; " + details);
        return details;
    }

    /** Makes a site's database read-only for everyone but this service, and ends other sessions. */
    public Map<String, String> fence(String site, String why) throws SQLException {
        PgEndpoint endpoint = site.equals(definition.source().site()) ? definition.source() : definition.target();
        try (Connection c = endpoint.connect("lifeboat-fence-" + id())) {
            Map<String, TableShape> tables = replicated(TableCatalog.read(c, definition.schemas()));
            int ended = SiteGuard.fence(c, tables.values(), site + " fenced by replication-service (" + why + ")");
            LOG.infof("link %s: fenced %s: %d tables guarded, %d sessions ended (%s)", id(), endpoint, tables.size(),
                    ended, why);
            return Map.of("site", site, "tablesGuarded", Integer.toString(tables.size()),
                    "sessionsEnded", Integer.toString(ended));
        }
    }

    /**
     * After promotion: the old source becomes the target. First its stranded changes (what its slot holds beyond
     * the applied position) are copied to the quarantine topic and counted; then it is emptied and resynced from
     * the new source by a fresh snapshot, and streaming runs the other way.
     */
    public synchronized Map<String, String> reverse(long epoch, String newSource, String why) throws Exception {
        if (newSource != null && newSource.equals(definition.source().site()) && state != LinkState.PROMOTED) {
            // A retry of a REVERSE that has already run (its answer came too late or was lost): the same outcome.
            return Map.of("result", "link " + id() + " already runs " + definition.source().site() + " → "
                    + definition.target().site() + " (" + state + ")");
        }
        if (state != LinkState.PROMOTED) {
            throw new Refused("link " + id() + " is " + state + "; REVERSE needs a PROMOTED link (drain and promote first)");
        }
        changeState(LinkState.REVERSING, why);
        LinkDefinition before = definition;
        try {
            return reverseNow(epoch);
        } catch (Exception e) {
            if (definition == before) {
                // Nothing of the new direction has started: still promoted, and a retry can run the reverse again.
                changeState(LinkState.PROMOTED, "REVERSE failed, the link stays PROMOTED: " + e.getMessage());
            }
            throw e;
        }
    }

    private Map<String, String> reverseNow(long epoch) throws Exception {
        if (sourceTables.isEmpty()) {
            preflight(); // restored as PROMOTED while the old source was away
        }
        Map<String, String> details = new java.util.LinkedHashMap<>();
        LinkDefinition old = definition;
        ApplierStatus applied = applier.status();
        SourcePosition appliedAt = applied.applied();
        // 1. Stranded changes: read the old source's slot from Debezium's last offset, keep what is beyond the
        //    applied position, into lifeboat.stranded.<link>.
        Map<String, Long> strandedCounts = new java.util.concurrent.ConcurrentHashMap<>();
        String strandedTopic = env.strandedTopicPrefix() + "." + id();
        long oldSourceLsn;
        try (Connection c = old.source().connect("lifeboat-reverse-" + id());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            r.next();
            oldSourceLsn = SourcePosition.parseLsn(r.getString(1));
        }
        producedLsn = -1;
        ChangeSource stranded = newSource(connectorName, env.cdcTopicPrefix(), t -> strandedTopic, record -> {
            SourcePosition p = ChangeSource.positionOf(record);
            String table = record.topic().substring(env.cdcTopicPrefix().length() + id().length() + 2);
            if (p == null || table.equals(LifeboatSchema.HEARTBEAT_TABLE) || p.atOrBelow(appliedAt)) {
                return false;
            }
            strandedCounts.merge(table, 1L, Long::sum);
            return true;
        }, true);
        threads.execute(stranded);
        Instant deadline = Instant.now().plus(old.drainTimeout());
        while (producedLsn < oldSourceLsn && Instant.now().isBefore(deadline)) {
            Thread.sleep(100); // waiting on the capture thread, bounded
        }
        stranded.close();
        long total = strandedCounts.values().stream().mapToLong(Long::longValue).sum();
        details.put("strandedTopic", strandedTopic);
        details.put("strandedChanges", Long.toString(total));
        strandedCounts.forEach((table, n) -> details.put("stranded." + table, Long.toString(n)));
        if (producedLsn < oldSourceLsn) {
            details.put("strandedWarning", "the old source's slot was not read to its end within "
                    + old.drainTimeout().toSeconds() + " s");
        }
        LOG.infof("link %s: %d stranded changes quarantined in %s: %s", id(), total, strandedTopic, strandedCounts);

        // 2. The applier of the old direction stops; the old source is emptied and guarded as the new standby.
        applier.close();
        LinkDefinition reversed = old.reversed();
        try (Connection c = reversed.target().connect("lifeboat-reverse-" + id())) {
            c.setAutoCommit(false);
            Map<String, TableShape> tables = replicated(TableCatalog.read(c, reversed.schemas()));
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
                s.execute("SET transaction_read_only = off");
                // One statement for all: tables that reference each other can only be emptied together.
                if (!tables.isEmpty()) {
                    s.execute("TRUNCATE ONLY " + tables.values().stream().map(TableShape::sqlName)
                            .collect(java.util.stream.Collectors.joining(", ")));
                }
                // Its slot and publication served the old direction; the new standby needs neither.
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + old.slot() + "' AND NOT active");
                s.execute("DELETE FROM " + LifeboatSchema.SCHEMA + ".applied_position WHERE link_id = '" + id() + "'");
            }
            SiteGuard.lift(c, tables.values());
            SiteGuard.install(c, tables.values(), reversed.target().site() + " is the standby of link " + id()
                    + " after reversal; writes are refused until it is promoted");
            LifeboatSchema.ensure(c);
            c.commit();
            details.put("resyncedTables", Integer.toString(tables.size()));
        }
        // 3. The new direction starts after everything the old one wrote to the change topics.
        try (Connection c = reversed.target().connect("lifeboat-reverse-" + id())) {
            seedPositionsAtTopicEnds(c);
        }
        try (Connection c = reversed.source().connect("lifeboat-reverse-" + id()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + reversed.slot() + "' AND NOT active");
        }
        String reversedConnector = "lifeboat-" + id() + "-" + reversed.source().site() + "-e" + epoch;
        // Stored before the new direction starts: a restart from here on runs it, never the old one again.
        persist(PersistedLink.Phase.RUNNING, reversed, reversedConnector);
        definition = reversed;
        connectorName = reversedConnector;
        producedLsn = -1;
        preflight();
        state = LinkState.STARTING;
        startApplier(false, true);
        startCapture();
        details.put("source", reversed.source().site());
        details.put("target", reversed.target().site());
        changeState(LinkState.SNAPSHOTTING, "reversed: " + reversed.source().site() + " → " + reversed.target().site()
                + ", " + total + " stranded changes quarantined in " + strandedTopic);
        return details;
    }

    private void seedPositionsAtTopicEnds(Connection c) throws SQLException {
        String prefix = env.cdcTopicPrefix() + "." + id() + ".";
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", env.bootstrapServers()), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
             var insert = c.prepareStatement("INSERT INTO " + LifeboatSchema.SCHEMA + ".applied_position (link_id,"
                     + " topic, kafka_partition, next_offset) VALUES (?, ?, ?, ?)")) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(10)).forEach((topic, infos) -> {
                if (topic.startsWith(prefix)) {
                    infos.forEach(i -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, i.partition())));
                }
            });
            for (var end : consumer.endOffsets(partitions, Duration.ofSeconds(10)).entrySet()) {
                insert.setString(1, id());
                insert.setString(2, end.getKey().topic());
                insert.setInt(3, end.getKey().partition());
                insert.setLong(4, end.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Stores a command's epoch (when newer than the stored one) before the command runs. */
    public synchronized void recordEpoch(long commandEpoch) {
        if (commandEpoch > epoch) {
            long before = epoch;
            epoch = commandEpoch;
            try {
                persist(phase, definition, connectorName);
            } catch (RuntimeException e) {
                epoch = before;
                throw e;
            }
        }
    }

    private void persist(PersistedLink.Phase next, LinkDefinition d, String connector) {
        env.states().save(new PersistedLink(id(), d.source().site(), d.target().site(), connector, epoch, next,
                Instant.now()));
        phase = next;
    }

    /** Resumes a table stopped by an unappliable change. */
    public boolean resumeTable(String table) throws Exception {
        return applier.resumeTable(table).get(30, TimeUnit.SECONDS);
    }

    // ---- observation --------------------------------------------------------------------------------------------

    private void watchSlot() {
        if (closed) {
            return;
        }
        try (Connection c = definition.source().connect("lifeboat-slot-" + id());
             var s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, definition.slot());
            try (ResultSet r = s.executeQuery()) {
                retainedWalBytes = r.next() ? r.getLong(1) : null;
            }
        } catch (SQLException unreachable) {
            retainedWalBytes = null;
            return;
        }
        Long retained = retainedWalBytes;
        boolean over = retained != null && retained > definition.retainedWalAlertBytes();
        if (over && !retentionAlerted) {
            retentionAlerted = true;
            env.events().alert(new AlertRaised(alertId("slot-retention", definition.slot()), "SLOT_RETENTION",
                    Severity.WARNING, definition.source().site(), "link " + id() + ": slot " + definition.slot()
                    + " holds " + retained + " bytes of WAL, over the bound of " + definition.retainedWalAlertBytes(),
                    "replication-service", Instant.now(), Map.of("link", id(), "slot", definition.slot())));
        } else if (!over && retentionAlerted && retained != null) {
            retentionAlerted = false;
            env.events().resolved(new AlertResolved(alertId("slot-retention", definition.slot()), "SLOT_RETENTION",
                    definition.source().site(), "slot " + definition.slot() + " holds " + retained + " bytes again",
                    "replication-service", Instant.now()));
        }
    }

    /** Compares the columns of every replicated table on both sides; alerts when that changes. */
    public List<ColumnDrift> checkDrift() throws SQLException {
        Map<String, TableShape> src;
        Map<String, TableShape> dst;
        try (Connection c = definition.source().connect("lifeboat-drift-" + id())) {
            src = replicated(TableCatalog.read(c, definition.schemas()));
        }
        try (Connection c = definition.target().connect("lifeboat-drift-" + id())) {
            dst = replicated(TableCatalog.read(c, definition.schemas()));
        }
        List<ColumnDrift> found = SchemaComparison.compare(src, dst);
        if (!found.equals(drift)) {
            if (!found.isEmpty()) {
                String what = String.join("; ", found.stream().map(ColumnDrift::describe).toList());
                LOG.warnf("link %s: schema drift between %s and %s: %s", id(), definition.source().site(),
                        definition.target().site(), what);
                env.events().alert(new AlertRaised(alertId("schema-drift", "tables"), "SCHEMA_DRIFT", Severity.WARNING,
                        definition.target().site(), "link " + id() + ": the sites' tables differ: " + what,
                        "replication-service", Instant.now(), Map.of("link", id())));
            } else {
                env.events().resolved(new AlertResolved(alertId("schema-drift", "tables"), "SCHEMA_DRIFT",
                        definition.target().site(), "the tables of both sites match again", "replication-service",
                        Instant.now()));
            }
        }
        drift = List.copyOf(found);
        return drift;
    }

    public LinkStatus status() {
        ApplierStatus s = applier == null ? new ApplierStatus(0, null, 0, 0, 0, false, false, List.of(), null)
                : applier.status();
        long now = System.currentTimeMillis();
        long lag;
        long heartbeatFresh = definition.heartbeatInterval().toMillis() * 3 + 1000;
        if (s.pending() > 0) {
            lag = now - (s.oldestPendingCommit() > 1 ? s.oldestPendingCommit() : startedAt.toEpochMilli());
        } else if (s.lastHeartbeatCommit() > 0) {
            // Nothing pending: caught up if the source's heartbeat came through recently; otherwise the source
            // has gone quiet and what it did since its last heartbeat is unknown: the lag grows.
            lag = now - s.lastHeartbeatCommit() <= heartbeatFresh ? 0 : now - s.lastHeartbeatCommit();
        } else {
            lag = state == LinkState.DRAINED || state == LinkState.PROMOTED ? 0 : now - startedAt.toEpochMilli();
        }
        long lastCommit = lastAppliedCommit(s);
        return new LinkStatus(id(), definition.source().site(), definition.target().site(), state, reason,
                Math.max(0, lag), s.pending(), producedLsn < 0 ? null : SourcePosition.lsnText(producedLsn),
                positionText(s.applied()), lastCommit > 0 ? Instant.ofEpochMilli(lastCommit) : null, retainedWalBytes,
                s.appliedChanges(), producedChanges, s.stoppedTables(), drift, s.lastError(), Instant.now());
    }

    private static long lastAppliedCommit(ApplierStatus s) {
        return Math.max(s.lastHeartbeatCommit(), s.applied() == null ? 0 : s.applied().commitMillis());
    }

    private Map<String, String> finalPosition() {
        ApplierStatus s = applier.status();
        long lastCommit = lastAppliedCommit(s);
        return Map.of("appliedPosition", positionText(s.applied()),
                "appliedCommittedAt", lastCommit > 0 ? Instant.ofEpochMilli(lastCommit).toString() : "none",
                "appliedChanges", Long.toString(s.appliedChanges()));
    }

    private static String positionText(SourcePosition p) {
        return p == null ? "none" : SourcePosition.lsnText(p.lsn()) + " (tx " + p.txId() + ")";
    }

    private void changeState(LinkState next, String why) {
        LinkState previous = state;
        state = next;
        reason = why;
        if (previous == next) {
            return;
        }
        LOG.infof("link %s: %s → %s: %s", id(), previous, next, why);
        env.events().stateChanged(new LinkStateChanged(id(), LinkKind.DATABASE, definition.source().site(),
                definition.target().site(), previous, next, why, positionText(applier == null ? null
                : applier.status().applied()), Instant.now()));
    }

    @Override
    public void close() {
        closed = true;
        stopCapture();
        if (applier != null) {
            applier.close();
        }
        threads.shutdownNow();
    }

    /** A command that does not fit the link's state; the message says why. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** Replicated tables without a primary key: the link refuses to start rather than half-replicate them. */
    public static final class MissingPrimaryKeys extends RuntimeException {
        public MissingPrimaryKeys(String link, List<String> tables) {
            super("link " + link + ": tables without a primary key cannot be replicated: " + String.join(", ", tables)
                    + " (add a primary key or list them in lifeboat.replication.links." + link + ".tables-exclude)");
        }
    }
}
