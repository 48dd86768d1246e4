package io.lifeboat.replication.link;

import io.lifeboat.events.LinkKind;
import io.lifeboat.events.LinkState;
import io.lifeboat.events.LinkStateChanged;
import io.lifeboat.replication.apply.ApplierStatus;
import io.lifeboat.replication.apply.ChangeApplier;
import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.drift.ColumnDrift;
import io.lifeboat.replication.source.ChangeSink;
import io.lifeboat.replication.source.Change;
import io.lifeboat.replication.source.ChangeSource;
import io.lifeboat.replication.source.ChangeTopic;
import io.lifeboat.replication.source.KafkaChangeSink;
import io.lifeboat.replication.state.LinkStateStore;
import io.lifeboat.replication.state.PersistedLink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One replication link at run time: its capture ({@link ChangeSource}), its applier ({@link ChangeApplier}), its
 * state with the reason for it. The commands that move it are in {@link LinkCommands}, the reversal in
 * {@link LinkReversal}, the watches (slot, new tables, drift) in {@link LinkWatch}; what may happen in which state is
 * decided by the pure {@link LinkRules}.
 *
 * <p>Threads: the link's state (state, reason, stored phase) is written by one thread only, {@code link-<id>-state}:
 * {@link #on} hands it what happened, from the command thread, Debezium's, the applier's or the link's own pool,
 * and waits for the decision. That thread only decides, stores the phase and publishes the change (through the
 * outbox, which never blocks); it never waits for the other threads, so none of them can deadlock with it. The
 * caller then does what the decision says (pause the applier, start or stop capture).
 */
public final class ReplicationLink implements AutoCloseable {

    static final Logger LOG = Logger.getLogger(ReplicationLink.class);

    /** Where the link's service-level settings come from. */
    public record Environment(Map<String, Object> kafka, String offsetsTopic, String cdcTopicPrefix,
            short replicationFactor, LinkEvents events, BiConsumer<ConsumerRecord<String, byte[]>, String> deadLetters,
            LinkStateStore states, String producerCompression, Map<String, List<String>> siteApplicationRoles) {

        /** The application roles FENCE locks at {@code site}; empty when none are configured. */
        public List<String> applicationRoles(String site) {
            return siteApplicationRoles.getOrDefault(site, List.of());
        }
    }

    final Environment env;
    final ScheduledExecutorService threads;
    final Instant startedAt = Instant.now();
    final LinkAlerts alerts;
    final Admin admin;
    final String topic;
    volatile LinkDefinition definition;
    volatile String connectorName;
    volatile Map<String, TableShape> sourceTables = Map.of();
    volatile ChangeSource source;
    volatile ChangeApplier applier;
    volatile String topicId;
    private volatile LinkState state = LinkState.STARTING;
    private volatile String reason = "starting";
    /** The one thread that writes state, reason and phase (see the class comment). */
    private final StateThread stateThread;
    volatile long producedLsn = -1;
    volatile long producedChanges;
    volatile List<ColumnDrift> drift = List.of();
    volatile boolean capturing;
    volatile boolean closed;
    volatile long epoch = -1;
    volatile PersistedLink.Phase phase = PersistedLink.Phase.RUNNING;
    volatile String refusedToRun;
    private volatile Instant lastProvenEqualAt;
    final LinkCommands commands;
    final LinkWatch watch;

    /**
     * @param persisted the link's state stored before a restart (direction, connector, epoch, phase), or null on a
     *                  link's first start: the configured direction is then the current one
     */
    public ReplicationLink(LinkDefinition configured, Environment env, PersistedLink persisted) {
        this.env = env;
        RestoredDirection restored = RestoredDirection.of(configured, persisted);
        this.definition = restored.definition();
        this.connectorName = restored.connector();
        this.phase = restored.phase();
        this.epoch = restored.epoch();
        this.alerts = new LinkAlerts(configured.id(), env.events());
        this.admin = Admin.create(env.kafka());
        this.topic = ChangeTopic.name(env.cdcTopicPrefix(), configured.id());
        this.threads = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "link-" + configured.id());
            t.setDaemon(true);
            return t;
        });
        this.stateThread = new StateThread(configured.id());
        this.commands = new LinkCommands(this);
        this.watch = new LinkWatch(this);
    }

    public String id() {
        return definition.id();
    }

    public LinkDefinition definition() {
        return definition;
    }

    public LinkCommands commands() {
        return commands;
    }

    /**
     * Checks the source's tables (every one must have a primary key), prepares the source (publication, slot) and
     * starts apply and capture. A source that cannot be reached is retried in the background: the standby side must
     * keep working when the source is lost.
     *
     * @throws MissingPrimaryKeys when replicated tables have no primary key
     */
    public void start() {
        if (DirectionCheck.refused(this)) {
            return;
        }
        if (phase != PersistedLink.Phase.RUNNING) {
            // What a command did before the restart holds: a drained or promoted link does not capture again, a
            // promoted target is not guarded again, a paused link stays paused.
            on(new LinkRules.Input.Restored(phase, env.states().topic() + ": " + phase + ", "
                    + definition.source().site() + " → " + definition.target().site() + ", epoch " + epoch));
        }
        boolean stopped = captureStopsHere(); // DRAINED or PROMOTED as restored
        topicId = ChangeTopic.ensure(admin, topic, env.replicationFactor());
        boolean prepared = false;
        try {
            preflight();
            if (!stopped) {
                on(new LinkRules.Input.Note(SourcePreparation.prepare(definition, sourceTables.values(), admin, topic,
                        topicId)));
                prepared = true;
            }
        } catch (SQLException e) {
            LOG.warnf("link %s: source %s unreachable at start (%s); applying what Kafka holds, capture retried",
                    id(), definition.source(), e.getMessage());
            on(new LinkRules.Input.Note(sourceUnreachable(e)));
        }
        startApplier(phase != PersistedLink.Phase.RUNNING, phase != PersistedLink.Phase.PROMOTED);
        if (stopped) {
            LOG.infof("link %s: %s before the restart; capture stays stopped", id(), phase);
        } else if (prepared) {
            startCapture();
        } else {
            threads.schedule(this::retryPreflight, 5, TimeUnit.SECONDS);
        }
        watch.start();
    }

    private void retryPreflight() {
        if (closed || capturing || captureStopsHere()) {
            return;
        }
        try {
            preflight();
            if (DirectionCheck.refused(this)) {
                return;
            }
            SourcePreparation.prepare(definition, sourceTables.values(), admin, topic, topicId);
            startCapture();
        } catch (SQLException e) {
            on(new LinkRules.Input.Note(sourceUnreachable(e)));
            threads.schedule(this::retryPreflight, 5, TimeUnit.SECONDS);
        } catch (MissingPrimaryKeys e) {
            on(new LinkRules.Input.CannotRun(e.getMessage()));
        }
    }

    /** Shown as the link's reason while capture waits for its source (a wrong CA says so here, not only in a log). */
    private String sourceUnreachable(SQLException e) {
        return "source " + definition.source() + " unreachable, retried every 5 s: " + e.getMessage();
    }

    /** Why the link refused to run (its direction contradicts the databases), or null. */
    public String refusedToRun() {
        return refusedToRun;
    }

    /** See {@link LinkRules#captureStopsHere}. */
    boolean captureStopsHere() {
        return LinkRules.captureStopsHere(state);
    }

    void preflight() throws SQLException {
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
            sourceTables = tables;
        }
    }

    Map<String, TableShape> replicated(Map<String, TableShape> all) {
        Map<String, TableShape> tables = new TreeMap<>();
        all.forEach((name, shape) -> {
            if (definition.replicates(name)) {
                tables.put(name, shape);
            }
        });
        return tables;
    }

    void startApplier(boolean paused, boolean guard) {
        LinkDefinition d = definition;
        applier = ChangeApplier.builder()
                .linkId(id())
                .target(d.target())
                .topic(topic, topicId)
                .schemas(d.schemas())
                .kafka(env.kafka())
                .batchSize(d.batchSize())
                .deadLetters(env.deadLetters())
                .listener(new LinkListeners.ApplierEvents(this))
                .copier((tables, progress) -> LinkCopy.copy(this, tables, progress))
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
        StandbyGuard.install(this, d); // a standby refuses writes from everyone but the applier, from the first moment
    }

    synchronized void startCapture() {
        if (closed || capturing || !on(new LinkRules.Input.CaptureStarts(definition.source().toString()))
                .does(LinkRules.Effect.START_CAPTURE)) {
            return;
        }
        capturing = true;
        ChangeSource capture = newSource(connectorName, new KafkaChangeSink(id(), topic, env.kafka(),
                env.producerCompression()), c -> true);
        source = capture;
        threads.execute(SourcePreparation.beatThen(definition, capture)); // an idle source streams at once
    }

    ChangeSource newSource(String name, ChangeSink sink, Predicate<Change> keep) {
        java.util.Properties p = DebeziumProperties.of(definition, env.kafka(), env.offsetsTopic(),
                env.replicationFactor(), env.cdcTopicPrefix());
        p.setProperty("name", name);
        LinkListeners.SourceEvents events = new LinkListeners.SourceEvents(this);
        events.own.set(ChangeSource.builder().linkId(id()).debezium(p).sink(sink).keep(keep).listener(events).build());
        return events.own.get();
    }

    /** @return false when the engine did not stop in time and was sealed off instead ({@link ChangeSource#stop()}) */
    boolean stopCapture() {
        ChangeSource running = source;
        source = null;
        boolean stopped = running == null || running.stop();
        capturing = false;
        return stopped;
    }

    /** Compares the columns of every replicated table on both sides; alerts when that changes. */
    public List<ColumnDrift> checkDrift() throws SQLException {
        return watch.checkDrift();
    }

    /** The link's alert path (the comparison raises its difference on it). */
    public LinkAlerts alerts() {
        return alerts;
    }

    /** Set by a failback by difference: its result is proven by a comparison once the new standby is consistent. */
    volatile boolean compareWhenConsistent;

    /** Whether a comparison is owed now (the failback's standby caught up); asking clears it. */
    public boolean takeComparisonOwed() {
        LinkStatus s = status();
        if (compareWhenConsistent && s.state() == LinkState.STREAMING && s.consistency() != null
                && s.consistency().consistent()) {
            compareWhenConsistent = false;
            return true;
        }
        return false;
    }

    /** A comparison found both databases equal as of this instant (io.lifeboat.replication.compare). */
    public void provenEqual(Instant at) {
        lastProvenEqualAt = at;
    }

    LinkState state() {
        return state;
    }
    String reason() {
        return reason;
    }

    void persist(PersistedLink.Phase next, LinkDefinition d, String connector) {
        env.states().save(new PersistedLink(id(), d.source().site(), d.target().site(), connector, epoch, next,
                Instant.now()));
        phase = next;
    }

    public LinkStatus status() {
        ApplierStatus s = applier == null ? ApplierStatus.initial() : applier.status();
        long lastCommit = lastAppliedCommit(s);
        return new LinkStatus(id(), definition.source().site(), definition.target().site(), state, reason,
                LinkStatus.lagMs(s, System.currentTimeMillis(), startedAt.toEpochMilli(), definition.heartbeatInterval(),
                        state), s.pending(), producedLsn < 0 ? null : SourcePosition.lsnText(producedLsn),
                positionText(s.applied()), lastCommit > 0 ? Instant.ofEpochMilli(lastCommit) : null,
                watch.retainedWalBytes(), s.appliedChanges(), producedChanges, s.stoppedTables(), drift, s.lastError(),
                s.consistency(), s.copy(), Instant.now(), lastProvenEqualAt);
    }

    static long lastAppliedCommit(ApplierStatus s) {
        return Math.max(s.lastHeartbeatCommit(), s.applied() == null ? 0 : s.applied().commitMillis());
    }

    static String positionText(SourcePosition p) {
        return p == null ? "none" : SourcePosition.lsnText(p.lsn()) + " (tx " + p.txId() + ")";
    }

    /**
     * Hands what happened to the state thread, which decides by {@link LinkRules}, stores the phase the decision
     * names (a failed write leaves the state as it was, and throws), moves the state and publishes the change.
     */
    LinkRules.Decision on(LinkRules.Input input) {
        try {
            return owned(() -> decide(input));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return new LinkRules.Decision(state, null, java.util.Set.of(), reason, "link " + id() + " is closed", false);
        }
    }

    /** Runs work that writes the link's state (its stored epoch or direction) on the state thread, and waits. */
    <T> T owned(java.util.concurrent.Callable<T> work) {
        return stateThread.run(work);
    }

    private LinkRules.Decision decide(LinkRules.Input input) {
        LinkState previous = state;
        LinkRules.Decision d = LinkRules.on(previous, reason, input);
        if (d.refused() || d.repeat()) {
            return d;
        }
        if (d.persist() != null) {
            persist(d.persist(), definition, connectorName);
        }
        state = d.next();
        reason = d.reason();
        if (previous != d.next()) {
            LOG.infof("link %s: %s → %s: %s", id(), previous, d.next(), d.reason());
            env.events().stateChanged(new LinkStateChanged(id(), LinkKind.DATABASE, definition.source().site(),
                    definition.target().site(), previous, d.next(), d.reason(), positionText(applier == null ? null
                    : applier.status().applied()), Instant.now()));
        }
        return d;
    }

    @Override
    public void close() {
        closed = true;
        stopCapture();
        if (applier != null) {
            applier.close();
        }
        threads.shutdownNow();
        stateThread.close();
        admin.close(java.time.Duration.ofSeconds(5));
    }

    /** A command that does not fit the link's state; the message says why. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }
}
