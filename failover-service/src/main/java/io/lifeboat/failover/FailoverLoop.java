package io.lifeboat.failover;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.SiteVerdictChanged;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.events.kafka.TopicNames;
import io.lifeboat.events.service.ServiceIdentity;
import io.lifeboat.failover.config.FailoverConfig;
import io.lifeboat.failover.decision.Context;
import io.lifeboat.failover.decision.FailoverRules;
import io.lifeboat.failover.decision.FenceOnReturn;
import io.lifeboat.failover.decision.Observations;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.decision.Refused;
import io.lifeboat.failover.decision.Transition;
import io.lifeboat.failover.dns.DnsSettings;
import io.lifeboat.failover.dns.DnsSwitcher;
import io.lifeboat.failover.runbook.RunbookEngine;
import io.lifeboat.failover.runbook.StepFigures;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.NotLeader;
import io.lifeboat.failover.state.StateStore;
import io.lifeboat.failover.state.StoreSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one control loop (like Patroni's {@code ha.py}): on a single thread, every {@code loop-interval} or as soon as
 * something arrives, the leader takes what came in (verdicts, lag, command answers, operators' requests) in order,
 * asks the pure rules and the runbook engine what to do, writes the resulting state together with its events in one
 * transaction, and logs the reason, the same words the API shows and the audit event carries. A follower only keeps
 * its observations current, so that it can take over at once.
 */
@ApplicationScoped
public class FailoverLoop {

    private static final Logger LOG = Logger.getLogger(FailoverLoop.class);
    private static final Duration FIGURES_EVERY = Duration.ofSeconds(5);
    private static final int REPLIES_KEPT = 2_000;
    private static final int MOVES_PER_CYCLE = 30;

    /** An operator's request, applied on the loop's thread against the state of that moment. */
    public interface Action {
        Transition apply(DrState state, Observations observations, Context context);
    }

    private record Request(String what, Action action, CompletableFuture<Transition> done) {
    }

    private final Policy policy;
    private final FailoverConfig config;
    private final ServiceIdentity identity;
    private final TopicNames topics;
    private final Map<String, Object> kafka;
    private final RunbookEngine engine;
    private final DnsSwitcher dns;
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final Map<String, CommandFinished> replies = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CommandFinished> eldest) {
                    return size() > REPLIES_KEPT;
                }
            });
    private volatile Observations observations = Observations.NONE;
    private volatile String lastReason = "starting";
    private volatile Instant lastCycle;
    private int headAttempts;
    /** Set when this instance gains the leadership: verdicts seen while following are weighed once more. */
    private volatile boolean tookOver;
    private ScheduledExecutorService thread;
    private StateStore store;
    private final String apiUrl;
    private final EventPublisher publisher;
    private Instant figuresSentAt = Instant.EPOCH;

    FailoverLoop(Policy policy, FailoverConfig config, DnsSettings dnsSettings, DnsSwitcher dns,
            ServiceIdentity identity, TopicNames topics, EventPublisher publisher,
            @Identifier("default-kafka-broker") Map<String, Object> defaultBroker,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String httpHost,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort) {
        this.apiUrl = config.leadership().advertisedUrl().orElseGet(() -> defaultApiUrl(httpHost, httpPort));
        this.policy = policy;
        this.config = config;
        this.identity = identity;
        this.topics = topics;
        this.kafka = KafkaSettings.clients(defaultBroker);
        this.dns = dns;
        this.engine = new RunbookEngine(dns, dnsSettings::target);
        this.publisher = publisher;
    }

    void onStart(@Observes StartupEvent start) {
        String self = identity.who();
        StoreSettings settings = new StoreSettings(kafka, policy.stateId(),
                config.leadership().transactionalId().orElse("lifeboat-failover-" + policy.stateId()),
                config.leadership().groupId().orElse("lifeboat-failover-leader-" + policy.stateId()),
                identity.instanceId(), identity.eventSource(), config.leadership().sessionTimeout(), topics::of, apiUrl);
        LOG.infof("failover-service %s: mode %s, home %s, API at %s, DNS: %s, Kafka: %s", self,
                policy.mode().name().toLowerCase(), policy.homeSite(), apiUrl, dns.describe(), KafkaSettings.masked(kafka));
        store = new StateStore(settings, (leader, why) -> {
            lastReason = (leader ? "leading: " : "following: ") + why;
            tookOver = leader;
            wake();
        });
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "failover-loop");
            t.setDaemon(true);
            return t;
        });
        // The store's topic check talks to the broker: off the start-up thread.
        thread.execute(() -> store.start());
        thread.scheduleWithFixedDelay(this::cycle, config.loopInterval().toMillis(), config.loopInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (thread != null) {
            thread.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }

    // --- what comes in ---------------------------------------------------------------------------------------------

    public void offer(SiteVerdictChanged verdict) {
        inbox.add(verdict);
        wake();
    }

    public void offer(ReplicationLag lag) {
        observations = observations.with(lag);
    }

    public void offer(CommandFinished reply) {
        replies.put(reply.commandId(), reply);
        wake();
    }

    /** Queues an operator's request; completes with the transition, or with {@link Refused} / {@link NotLeader}. */
    public CompletableFuture<Transition> submit(String what, Action action) {
        CompletableFuture<Transition> done = new CompletableFuture<>();
        if (store == null || !store.isLeader()) {
            done.completeExceptionally(new NotLeader("this instance (" + identity.instanceId()
                    + ") is not the leader" + current().map(s -> "; the leader is " + s.leader()).orElse("")));
            return done;
        }
        inbox.add(new Request(what, action, done));
        wake();
        return done;
    }

    private void wake() {
        ScheduledExecutorService t = thread;
        if (t != null && !t.isShutdown()) {
            try {
                t.execute(this::cycle);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }

    // --- what the API shows ----------------------------------------------------------------------------------------

    public Optional<DrState> current() {
        return store == null ? Optional.empty() : store.current();
    }

    public Observations observations() {
        return observations;
    }

    /** Who leads and where its API is, as the newest leader announced it. */
    public Optional<io.lifeboat.events.FailoverLeader> leaderAnnounced() {
        return store == null ? Optional.empty() : store.leaderAnnounced();
    }

    public String instanceId() {
        return identity.instanceId();
    }

    private static String defaultApiUrl(String host, int port) {
        String address = host;
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
            try {
                address = java.net.InetAddress.getLocalHost().getHostAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("lifeboat.failover.leadership.advertised-url: not set, and this "
                        + "host's address is unknown (" + e.getMessage() + ")");
            }
        }
        return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    public boolean isLeader() {
        return store != null && store.isLeader();
    }

    public String lastReason() {
        return lastReason;
    }

    public Instant lastCycle() {
        return lastCycle;
    }

    public String self() {
        return identity.who();
    }

    // --- the loop --------------------------------------------------------------------------------------------------

    private void cycle() {
        lastCycle = Instant.now();
        try {
            if (!store.isLeader()) {
                follow();
                return;
            }
            DrState state = store.current().orElse(null);
            if (state == null) {
                state = store.write(DrState.initial(policy.stateId(), policy.homeSite(), policy.otherSite(), self(),
                        Instant.now()), java.util.List.of());
                say("initial state written: " + policy.homeSite() + " active at epoch 1");
            }
            if (tookOver) {
                tookOver = false;
                reconsider(state);
            }
            Object next;
            while ((next = inbox.peek()) != null) {
                try {
                    state = handle(state, next);
                } catch (NotLeader notLeader) {
                    throw notLeader;
                } catch (RuntimeException e) {
                    // A verdict whose decision could not be written is tried again next cycle, a few times.
                    if (++headAttempts < 20) {
                        throw e;
                    }
                    LOG.errorf(e, "giving up on %s after %d attempts", next, headAttempts);
                }
                headAttempts = 0;
                inbox.poll();
            }
            // A site lost unfenced is fenced before anything else happens.
            state = apply(state, FenceOnReturn.onTick(state, observations, replies::get, context()));
            state = apply(state, FailoverRules.onTick(state, observations, context()));
            for (int i = 0; i < MOVES_PER_CYCLE; i++) {
                Transition t = engine.advance(state, observations, replies::get, context());
                state = apply(state, t);
                if (t.settled()) {
                    break;
                }
            }
            sendFigures(state);
        } catch (NotLeader notLeader) {
            lastReason = "following: " + notLeader.getMessage();
        } catch (RuntimeException e) {
            lastReason = "could not act, will retry: " + e.getMessage();
            LOG.warnf(e, "control loop: %s", e.getMessage());
        }
    }

    /** Every few seconds while a step waits for long work: its figures, for people (nothing is decided on them). */
    private void sendFigures(DrState state) {
        Instant now = Instant.now();
        if (Duration.between(figuresSentAt, now).compareTo(FIGURES_EVERY) < 0) {
            return;
        }
        StepFigures.of(state, observations.lags().values(), now).ifPresent(step -> {
            figuresSentAt = now;
            publisher.publish(EventTypes.FAILOVER_STEP, step).subscribe().with(sent -> { },
                    failed -> LOG.debugf("step figures not published: %s", failed.getMessage()));
        });
    }

    /** A follower learns from verdicts (for its observations) but acts on nothing; requests are refused. */
    private void follow() {
        Object next;
        while ((next = inbox.poll()) != null) {
            if (next instanceof SiteVerdictChanged verdict) {
                observations = observations.with(verdict);
            } else if (next instanceof Request request) {
                request.done().completeExceptionally(new NotLeader("this instance is not the leader"));
            }
        }
    }

    /**
     * A follower only observes: a verdict that arrived while it followed (the old leader may have died with the
     * site it was watching) must still be decided on. The newest verdict per site that the state does not list as
     * handled goes through the rules, first, in the order they happened.
     */
    private void reconsider(DrState state) {
        java.util.List<SiteVerdictChanged> unhandled = observations.verdicts().values().stream()
                .filter(v -> !state.handled(v.transitionId()))
                .sorted(java.util.Comparator.comparing(SiteVerdictChanged::since,
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                .toList();
        java.util.List<Object> rest = new java.util.ArrayList<>();
        for (Object o = inbox.poll(); o != null; o = inbox.poll()) {
            rest.add(o);
        }
        inbox.addAll(unhandled);
        inbox.addAll(rest);
        if (!unhandled.isEmpty()) {
            say("took over: weighing " + unhandled.size() + " verdict(s) seen while following");
        }
    }

    private DrState handle(DrState state, Object input) {
        if (input instanceof SiteVerdictChanged verdict) {
            observations = observations.with(verdict);
            return apply(state, FailoverRules.onVerdict(state, observations, verdict, context()));
        }
        Request request = (Request) input;
        try {
            Transition t = request.action().apply(state, observations, context());
            DrState written = apply(state, t);
            request.done().complete(t);
            return written;
        } catch (Refused | IllegalArgumentException refused) {
            LOG.infof("%s refused: %s", request.what(), refused.getMessage());
            request.done().completeExceptionally(refused);
            return state;
        } catch (RuntimeException e) {
            // Not retried: the operator sees the failure and may ask again.
            request.done().completeExceptionally(e);
            return state;
        }
    }

    /** Writes what a transition changed (with its events, in one transaction) and says why. */
    private DrState apply(DrState before, Transition t) {
        if (t.isEmpty()) {
            if (t.reason() != null && !t.reason().equals(lastReason)) {
                LOG.debugf("%s", t.reason());
            }
            if (t.reason() != null && !t.idle()) {
                lastReason = t.reason();
            }
            return before;
        }
        DrState written = t.changed() ? store.write(t.next(), t.out()) : store.write(before, t.out());
        say(t.reason());
        return written;
    }

    private void say(String reason) {
        if (reason != null) {
            lastReason = reason;
            LOG.info(reason);
        }
    }

    private Context context() {
        return new Context(Instant.now(), policy, self());
    }
}
