package io.lifeboat.heartbeat.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lifeboat.events.retry.Backoff;
import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.FailoverState;
import io.lifeboat.events.fence.DatabaseFence;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.events.kafka.TopicNames;
import io.lifeboat.events.service.ServiceIdentity;
import io.lifeboat.heartbeat.alert.AlertService;
import io.lifeboat.heartbeat.config.HeartbeatConfig;
import io.lifeboat.heartbeat.config.WardenConfig;
import io.lifeboat.heartbeat.config.WardenSettings;
import io.lifeboat.heartbeat.warden.WardenEffect;
import io.lifeboat.heartbeat.warden.WardenInput;
import io.lifeboat.heartbeat.warden.WardenRules;
import io.lifeboat.heartbeat.warden.WardenState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The site warden (optional, {@code lifeboat.warden.enabled}): the shell around {@link WardenRules}. Three threads
 * feed it: a renewer sends this site's lease record to Kafka every {@code renew-every} (acks=all; a renewal counts
 * from its sending once acknowledged), a reader follows failover-service's compacted DR state, and a fencer runs
 * {@link DatabaseFence} on every database of the site when the rule asks. Time is {@code System.nanoTime()} only.
 */
@Startup
@ApplicationScoped
public class SiteWarden {

    private static final Logger LOG = Logger.getLogger(SiteWarden.class);

    /** What {@code GET /warden} shows. */
    public record Status(boolean enabled, String site, String standing, String activeSite, long epoch,
            Long renewedMsAgo, String cause, int fenceAttempts, String reason) {
    }

    private final boolean enabled;
    private final String site;
    private final String self;
    private WardenSettings.Warden settings;
    private WardenRules rules;
    private final AlertService alerts;
    private final ConcurrentLinkedQueue<WardenInput> inbox = new ConcurrentLinkedQueue<>();
    private volatile WardenState state;
    private volatile String lastReason = "not started";
    private volatile String startingFor = "starting";
    private Map<String, Object> kafka;
    private String stateTopic;
    private ScheduledExecutorService ticks;
    private ExecutorService fencer;
    private KafkaProducer<String, byte[]> producer;
    private Thread reader;
    private volatile boolean running = true;

    SiteWarden(WardenConfig config, HeartbeatConfig heartbeat, ServiceIdentity identity, AlertService alerts,
            TopicNames topics, @Identifier("default-kafka-broker") Map<String, Object> broker) {
        this.enabled = config.enabled();
        this.site = identity.site();
        this.self = identity.who();
        this.alerts = alerts;
        if (!enabled) {
            return;
        }
        // Checked here, at start-up: a bound not shorter than the promotion grace stops the service, naming the keys.
        settings = WardenSettings.check(config, heartbeat);
        rules = new WardenRules(site, settings.leaseTimeout());
        kafka = KafkaSettings.clients(broker);
        stateTopic = topics.of(io.lifeboat.events.Topic.FAILOVER_STATE);
        LOG.infof("site warden of %s: lease %s renewed every %s on %s, fence within %s, other site promotable after"
                + " %s at the earliest; databases %s, application roles %s; Kafka %s", site, settings.leaseTimeout(),
                settings.renewEvery(), settings.leaseTopic(), settings.fenceAllowance(), settings.promotionGrace(),
                settings.databases(), settings.applicationRoles(), KafkaSettings.masked(kafka));
    }

    /** The longest a starting warden waits for Kafka to take its first renewal before its lease counts anyway. */
    static final Duration FIRST_RENEWAL_ALLOWANCE = Duration.ofSeconds(30);

    /**
     * The lease starts once the service has started and Kafka has acknowledged a renewal within half the lease
     * ({@link WardenRules#startsOn}; counted from that renewal's sending), or {@link #FIRST_RENEWAL_ALLOWANCE} after
     * the start at the latest; the periodic renewals begin at once: a slow boot,
     * a slow first TLS and SASL handshake with the lease partition's leader, or a Write ACL the platform's user
     * operator has not applied yet must not fence a healthy site, and a warden that starts cut off still fences.
     * (Kafka's answer to a metadata request is not enough: the renewal goes over another connection, to the
     * partition's leader, and needs another right. A warden that is not running guards nothing: see the README's
     * timing argument.)
     */
    void start(@Observes StartupEvent started) {
        if (!enabled) {
            return;
        }
        producer = new KafkaProducer<>(producerSettings(kafka), new StringSerializer(), new ByteArraySerializer());
        fencer = Executors.newSingleThreadExecutor(r -> daemon(r, "warden-fence"));
        ticks = Executors.newScheduledThreadPool(2, r -> daemon(r, "warden"));
        reader = daemon(() -> follow(kafka, stateTopic), "warden-state");
        reader.start();
        ticks.execute(this::guard);
    }

    private void guard() {
        long deadline = System.nanoTime() + FIRST_RENEWAL_ALLOWANCE.toNanos();
        long leaseFrom = -1;
        String waited = null;
        int tries = 0;
        // A refusal (authorisation) comes at once: pause between tries rather than spin.
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        while (running && leaseFrom < 0) {
            long sent = System.nanoTime();
            tries++;
            try {
                producer.send(lease("STARTING")).get();
                long acknowledged = System.nanoTime();
                long took = TimeUnit.NANOSECONDS.toMillis(acknowledged - sent);
                if (WardenRules.startsOn(sent, acknowledged, settings.leaseTimeout()) || acknowledged > deadline) {
                    leaseFrom = sent;
                    waited = "Kafka took a renewal in " + took + " ms" + (tries > 1 ? ", at try " + tries : "");
                } else {
                    startingFor = "starting: Kafka took a renewal only " + took + " ms after it was sent, too late"
                            + " to start a lease of " + settings.leaseTimeout().toMillis() + " ms on; renewing again";
                    LOG.infof("site warden of %s: %s", site, startingFor);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception notYet) {
                String why = notYet instanceof ExecutionException && notYet.getCause() != null
                        ? notYet.getCause().toString() : notYet.toString();
                if (System.nanoTime() > deadline) {
                    leaseFrom = System.nanoTime();
                    waited = "Kafka took no renewal within " + FIRST_RENEWAL_ALLOWANCE.toSeconds() + " s, "
                            + tries + " tries (last: " + why + ")";
                } else {
                    startingFor = "starting: Kafka has not taken the first renewal yet (" + tries + " tries, last: "
                            + why + ")";
                    if (tries == 1) {
                        LOG.warnf("site warden of %s: %s; its lease counts once one is taken, or %d s after the"
                                + " start", site, startingFor, FIRST_RENEWAL_ALLOWANCE.toSeconds());
                    }
                    if (!backoff.pause()) {
                        return;
                    }
                }
            }
        }
        if (!running) {
            return;
        }
        LOG.infof("site warden of %s: guarding from now on (%s)", site, waited);
        state = WardenState.start(leaseFrom);
        ticks.scheduleWithFixedDelay(this::tick, 0, WardenSettings.TICK.toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(this::renew, 0, settings.renewEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    public Status status() {
        if (!enabled) {
            return new Status(false, site, null, null, -1, null, null, 0, "lifeboat.warden.enabled=false");
        }
        WardenState s = state;
        if (s == null) {
            return new Status(true, site, null, null, -1, null, null, 0, startingFor);
        }
        return new Status(true, site, s.standing().name(), s.activeSite(), s.epoch(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.renewedAt()), s.cause(), s.fenceAttempts(),
                lastReason);
    }

    // --- the loop: one thread applies the rule --------------------------------------------------------------------

    private void tick() {
        try {
            WardenInput next;
            while ((next = inbox.poll()) != null) {
                apply(next);
            }
            apply(new WardenInput.Tick(System.nanoTime()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "site warden: %s", e.getMessage());
        }
    }

    private void apply(WardenInput input) {
        WardenRules.Decision d = rules.on(state, input);
        state = d.next();
        boolean news = input instanceof WardenInput.StateSeen || input instanceof WardenInput.FenceResult;
        if (!d.effects().isEmpty() || (news && !d.reason().equals(lastReason))) {
            LOG.info(d.reason());
        }
        if (!(input instanceof WardenInput.Renewed)) {
            lastReason = d.reason();
        }
        for (WardenEffect effect : d.effects()) {
            if (effect instanceof WardenEffect.Fence fence) {
                fencer.execute(() -> inbox.add(fence(fence.reason())));
            } else if (effect instanceof WardenEffect.Alert alert) {
                // Through the outbox: published when Kafka is back; the webhooks may be reachable before.
                alerts.raiseAtOnce(AlertRaised.of(alert.kind(), site, alert.severity(), site, alert.reason(), self,
                        Instant.now(), Map.of("component", "warden")));
            }
        }
    }

    private WardenInput fence(String reason) {
        List<String> locked = new ArrayList<>();
        int ended = 0;
        List<String> problems = new ArrayList<>();
        for (WardenSettings.Database db : settings.databases()) {
            Properties p = new Properties();
            p.setProperty("user", db.user());
            p.setProperty("password", db.password());
            long seconds = Math.max(1, (settings.fenceAllowance().toMillis() + 999) / 1000);
            p.setProperty("connectTimeout", Long.toString(seconds));
            p.setProperty("socketTimeout", Long.toString(seconds));
            p.setProperty("loginTimeout", Long.toString(seconds));
            p.setProperty("ApplicationName", "lifeboat-warden");
            try (Connection c = DriverManager.getConnection(db.url(), p)) {
                c.setAutoCommit(true);
                DatabaseFence.FenceReport report = DatabaseFence.fence(c, settings.applicationRoles(),
                        "site warden: " + reason);
                locked.addAll(report.rolesLocked());
                ended += report.sessionsEnded();
            } catch (Exception e) {
                problems.add(db.name() + ": " + e.getMessage());
            }
        }
        boolean ok = problems.isEmpty();
        return new WardenInput.FenceResult(ok, locked, ended, ok ? "fenced " + settings.databases().size()
                + " database(s)" : String.join("; ", problems), System.nanoTime());
    }

    // --- the inputs --------------------------------------------------------------------------------------------

    private void renew() {
        long sent = System.nanoTime();
        try {
            producer.send(lease(state.standing().name()), (metadata, failed) -> {
                if (failed == null) {
                    inbox.add(new WardenInput.Renewed(sent, System.nanoTime()));
                } else {
                    LOG.debugf("lease renewal not acknowledged: %s", failed.getMessage());
                }
            });
        } catch (Exception e) {
            LOG.debugf("lease renewal not sent: %s", e.getMessage());
        }
    }

    /** This site's lease record, as the warden stands. */
    private ProducerRecord<String, byte[]> lease(String standing) {
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("site", site);
        lease.put("warden", self);
        lease.put("standing", standing);
        lease.put("sentAt", Instant.now().toString());
        try {
            return new ProducerRecord<>(settings.leaseTopic(), site, EventJson.mapper().writeValueAsBytes(lease));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the lease record cannot be written as JSON", e);
        }
    }

    /**
     * Follows the DR state for as long as the service runs: a reader that fails (the topic not made yet, an
     * authorisation or network error) starts again after a pause that doubles up to 5 s, since a warden that no
     * longer reads the state can never see its role move.
     */
    private void follow(Map<String, Object> kafka, String topic) {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
        while (running) {
            try {
                readState(kafka, topic);
                backoff.reset();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("site warden: the DR state reader failed (%s); reading again in %d ms", e.getMessage(),
                        backoff.current().toMillis());
                if (!backoff.pause()) {
                    return;
                }
            }
        }
    }

    private void readState(Map<String, Object> kafka, String topic) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", "false");
        // A missing topic is waited for (failover-service or the cluster makes it), never created from here.
        c.put("allow.auto.create.topics", "false");
        c.put("client.id", "lifeboat-warden-state-" + site);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!settings.stateId().equals(r.key()) || r.value() == null) {
                        continue;
                    }
                    try {
                        FailoverState s = EventJson.mapper().readValue(r.value(), FailoverState.class);
                        inbox.add(new WardenInput.StateSeen(s.activeSite(), s.epoch(), System.nanoTime()));
                    } catch (Exception unreadable) {
                        LOG.warnf("DR state record at offset %d unreadable: %s", r.offset(), unreadable.getMessage());
                    }
                }
            }
        }
    }

    private Map<String, Object> producerSettings(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        int lease = (int) settings.leaseTimeout().toMillis();
        p.put("acks", "all");
        p.put("enable.idempotence", "false");
        p.put("retries", "0");
        p.put("linger.ms", "0");
        p.put("request.timeout.ms", Integer.toString(lease));
        p.put("delivery.timeout.ms", Integer.toString(lease));
        p.put("max.block.ms", Long.toString(settings.renewEvery().toMillis()));
        p.put("client.id", "lifeboat-warden-" + site);
        return p;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        if (ticks != null) {
            ticks.shutdownNow();
            fencer.shutdownNow();
            producer.close(Duration.ofSeconds(1));
        }
    }
}
