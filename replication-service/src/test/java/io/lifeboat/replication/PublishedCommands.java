package io.lifeboat.replication;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.testing.FailoverStates;
import io.lifeboat.events.testing.TopicReader;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReplicationLinkTest}'s commands, through the service's own publisher; unlike {@link Commands}, also forged. */
final class PublishedCommands {

    private final Supplier<EventPublisher> publisher;
    private final String bootstrap;

    private PublishedCommands(Supplier<EventPublisher> publisher, String bootstrap) {
        this.publisher = publisher;
        this.bootstrap = bootstrap;
    }

    /** @param publisher the test's injected publisher, asked for at each command (injected after the test's fields) */
    static PublishedCommands through(Supplier<EventPublisher> publisher, String bootstrap) {
        return new PublishedCommands(publisher, bootstrap);
    }

    /** Failback's switchover: the active site fenced, then a planned PROMOTE, done with nothing lost. */
    void fenceThenPromotePlanned(long epoch, String activeSite) {
        CommandFinished fenced = run(CommandName.FENCE, epoch, activeSite, CommandParameters.none());
        assertThat(fenced.outcome()).as(fenced.reason()).isEqualTo(CommandOutcome.DONE);
        CommandFinished promoted = run(CommandName.PROMOTE, epoch, "it", CommandParameters.plannedPromote(null));
        assertThat(promoted.outcome()).as(promoted.reason()).isEqualTo(CommandOutcome.DONE);
        assertThat(promoted.details()).containsEntry("dataLossWindowMs", "0").doesNotContainKey("sourceLostAt");
        assertThat(promoted.promotion().planned()).isTrue();
        assertThat(promoted.promotion().dataLossWindowMs()).isZero();
        assertThat(promoted.promotion().sourceLostAt()).isNull();
    }

    /** A command that must be DONE (its reason tells why not). */
    CommandFinished done(CommandName name, long epoch, String target, CommandParameters parameters) {
        CommandFinished finished = run(name, epoch, target, parameters);
        assertThat(finished.outcome()).as(finished.reason()).isEqualTo(CommandOutcome.DONE);
        return finished;
    }

    /** A command at {@code epoch}, which failover-service's leader (a stand-in here) holds first. */
    CommandFinished run(CommandName name, long epoch, String target, CommandParameters parameters) {
        FailoverStates.raiseTo(bootstrap, epoch);
        return issue(name, epoch, target, parameters);
    }

    /** A command as it is sent, whether or not any leader holds its epoch. */
    CommandFinished issue(CommandName name, long epoch, String target, CommandParameters parameters) {
        String id = UUID.randomUUID().toString();
        try (TopicReader events = new TopicReader(bootstrap, "lifeboat.events")) {
            publisher.get().publishAndAwait(EventTypes.COMMAND_ISSUED, new CommandIssued(id, name, epoch, target,
                    "test", "test of " + name, parameters, Instant.now()));
            return (CommandFinished) events.awaitEvent(e -> e.type() == EventTypes.COMMAND_FINISHED
                    && ((CommandFinished) e.payload()).commandId().equals(id), Duration.ofSeconds(120)).payload();
        }
    }
}
