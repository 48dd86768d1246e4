package io.lifeboat.events.epoch;

import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.Severity;
import io.lifeboat.events.Topic;
import io.lifeboat.events.kafka.AlertPublisher;
import io.lifeboat.events.kafka.KafkaSettings;
import io.lifeboat.events.kafka.TopicNames;
import io.lifeboat.events.retry.Backoff;
import io.lifeboat.events.service.ServiceIdentity;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The one way a service decides whether to run a command from {@code lifeboat.commands}: at the epoch
 * failover-service holds ({@link EpochAdmission}, against {@link FailoverEpoch}). A command from nowhere (an epoch no
 * leader published) is also raised as a CRITICAL alert {@code COMMAND_EPOCH_FROM_NOWHERE}: something that is not
 * failover-service's leader writes commands. The caller answers every refusal with a REFUSED CommandFinished
 * carrying the reason, and never stores a refused epoch.
 */
@ApplicationScoped
public class CommandAdmission {

    private static final Logger LOG = Logger.getLogger(CommandAdmission.class);
    public static final String ALERT_KIND = "COMMAND_EPOCH_FROM_NOWHERE";
    /** How long a state may trail the command of its own transaction (the markers' gap is milliseconds). */
    static final Duration STATE_BEHIND_COMMAND = Duration.ofSeconds(3);

    private final FailoverEpoch epochs;
    private final AlertPublisher alerts;
    private final String who;

    CommandAdmission(@Identifier("default-kafka-broker") Map<String, Object> broker, TopicNames topics,
            @ConfigProperty(name = "lifeboat.failover.state-id", defaultValue = "lifeboat") String stateId,
            ServiceIdentity identity, AlertPublisher alerts) {
        this.who = identity.who();
        this.epochs = new FailoverEpoch(KafkaSettings.clients(broker), topics.of(Topic.FAILOVER_STATE), stateId,
                identity.service() + "-epoch-" + identity.instanceId(), Duration.ofSeconds(15));
        this.alerts = alerts;
    }

    /** @throws IllegalStateException when the held epoch cannot be read now (then the command is neither run nor refused) */
    public EpochAdmission.Decision admit(CommandIssued command) {
        EpochAdmission.Decision decision = settled(command.epoch(), epochs::current, STATE_BEHIND_COMMAND);
        if (decision.verdict() == EpochAdmission.Verdict.FROM_NOWHERE) {
            String reason = command.command() + " " + command.target() + " (command " + command.commandId()
                    + ", issued by '" + command.issuedBy() + "') refused: " + decision.reason();
            LOG.errorf("%s", reason);
            alerts.raise(ALERT_KIND, who, Severity.CRITICAL, null, reason, Map.of("command",
                    command.command().name(), "target", command.target(), "commandId", command.commandId(),
                    "epoch", Long.toString(command.epoch())));
        }
        return decision;
    }

    /**
     * The verdict on {@code epoch} once the state has caught up with the command. failover-service commits a command
     * and the state that raised its epoch in one transaction, but the commit's markers reach the two partitions one
     * after the other: the command can be readable a moment before its state. So a newer epoch is read again, for
     * at most {@code bound}, before it is called a forgery.
     */
    static EpochAdmission.Decision settled(long epoch, Supplier<OptionalLong> held, Duration bound) {
        EpochAdmission.Decision decision = EpochAdmission.admit(epoch, held.get());
        long deadline = System.nanoTime() + bound.toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(500));
        while (decision.verdict() == EpochAdmission.Verdict.FROM_NOWHERE && System.nanoTime() < deadline) {
            if (!backoff.pause()) {
                Thread.currentThread().interrupt();
                break;
            }
            decision = EpochAdmission.admit(epoch, held.get());
        }
        return decision;
    }

    @PreDestroy
    void close() {
        epochs.close();
    }
}
