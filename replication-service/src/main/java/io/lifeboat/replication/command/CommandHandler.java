package io.lifeboat.replication.command;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.PromotionResult;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.epoch.CommandAdmission;
import io.lifeboat.events.epoch.EpochAdmission;
import io.lifeboat.events.kafka.EventInbox;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.service.ServiceIdentity;
import io.lifeboat.replication.link.LinkCommands;
import io.lifeboat.replication.link.ReplicationLink;
import io.lifeboat.replication.link.ReplicationLinks;
import io.lifeboat.replication.link.SiteFence;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Commands from {@code lifeboat.commands}. Each is admitted only at the epoch failover-service holds, run, and its outcome (DONE, REFUSED or
 * FAILED, with the reason) published as a {@code CommandFinished}. Commands for links or sites this instance does
 * not serve belong to another service and are passed over.
 */
@ApplicationScoped
public class CommandHandler {

    private static final Logger LOG = Logger.getLogger(CommandHandler.class);

    private final EventInbox inbox;
    private final EventPublisher publisher;
    private final ReplicationLinks links;
    private final CommandAdmission admission;
    private final String handledBy;

    CommandHandler(EventInbox inbox, EventPublisher publisher, ReplicationLinks links, CommandAdmission admission,
            ServiceIdentity identity) {
        this.inbox = inbox;
        this.publisher = publisher;
        this.links = links;
        this.admission = admission;
        this.handledBy = identity.who();
    }

    @Incoming("commands")
    @Blocking
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        inbox.open(record, EventTypes.COMMAND_ISSUED).ifPresent(event -> handle(event.payload()));
    }

    void handle(CommandIssued command) {
        List<ReplicationLink> concerned = concerned(command);
        if (concerned.isEmpty()) {
            return; // another service's (files, other links)
        }
        String what = command.command() + " " + command.target();
        // Only at the epoch failover-service's leader holds; a refused epoch is never stored.
        EpochAdmission.Decision admitted;
        try {
            admitted = admission.admit(command);
        } catch (RuntimeException e) {
            finish(command, CommandOutcome.FAILED, what + " not run: the current epoch could not be read: "
                    + e.getMessage(), Map.of(), null);
            return;
        }
        if (!admitted.admitted()) {
            finish(command, CommandOutcome.REFUSED, "refused " + command.command() + ": " + admitted.reason(), Map.of(),
                    null);
            return;
        }
        LOG.infof("command %s (%s, epoch %d) from %s: %s", command.commandId(), what, command.epoch(),
                command.issuedBy(), command.reason());
        try {
            // Stored before it runs: after a restart an older epoch is still refused.
            for (ReplicationLink link : concerned) {
                link.commands().recordEpoch(command.epoch());
            }
            Done done = run(command, concerned);
            finish(command, CommandOutcome.DONE, what + " done", done.details(), done.promotion());
        } catch (ReplicationLink.Refused refused) {
            finish(command, CommandOutcome.REFUSED, "refused " + command.command() + ": " + refused.getMessage(), Map.of(),
                    null);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            finish(command, CommandOutcome.FAILED, what + " failed: " + cause.getMessage(), Map.of(), null);
        }
    }

    private List<ReplicationLink> concerned(CommandIssued command) {
        if (command.command() == CommandName.FENCE || command.command() == CommandName.UNFENCE) {
            // A site's command: every database of the site, through every link that has one there.
            return links.all().stream().filter(l -> l.definition().source().site().equals(command.target())
                    || l.definition().target().site().equals(command.target())).toList();
        }
        if (command.command() == CommandName.RECONCILE) {
            return List.of();
        }
        return links.byId(command.target()).stream().toList();
    }

    /** What a command that ran answers: its details, and a PROMOTE's typed result. */
    private record Done(Map<String, String> details, PromotionResult promotion) {
        static Done of(Map<String, String> details) {
            return new Done(details, null);
        }
    }

    private Done run(CommandIssued command, List<ReplicationLink> concerned) throws Exception {
        ReplicationLink link = concerned.get(0);
        String why = command.reason() == null ? command.command() + " by " + command.issuedBy() : command.reason();
        CommandParameters parameters = command.parameters();
        boolean ofSite = command.command() == CommandName.FENCE || command.command() == CommandName.UNFENCE;
        if (!ofSite && link.refusedToRun() != null) {
            throw new ReplicationLink.Refused("link " + link.id() + " " + link.refusedToRun());
        }
        if (command.command() == CommandName.PROMOTE) {
            LinkCommands.Promoted promoted = link.commands().promote(parameters.sourceLostAt(),
                    Boolean.TRUE.equals(parameters.planned()), why);
            return new Done(promoted.details(), promoted.result());
        }
        return Done.of(switch (command.command()) {
            case PAUSE -> Map.of("result", link.commands().pause(why));
            case RESUME -> Map.of("result", link.commands().resume(why));
            case DRAIN -> link.commands().drain(why);
            case FENCE -> SiteFence.fence(command.target(), concerned, links.applicationRoles(command.target()),
                    command.epoch(), why);
            case UNFENCE -> SiteFence.unfence(command.target(), concerned, links.applicationRoles(command.target()),
                    command.epoch(), why);
            case REVERSE -> link.commands().reverse(command.epoch(), parameters.source(),
                    Boolean.TRUE.equals(parameters.force()), why);
            case PROMOTE, RECONCILE -> throw new IllegalStateException("not run here: " + command.command());
        });
    }

    private void finish(CommandIssued command, CommandOutcome outcome, String reason, Map<String, String> details,
            PromotionResult promotion) {
        if (outcome == CommandOutcome.DONE) {
            LOG.infof("command %s: %s %s", command.commandId(), reason, details);
        } else {
            LOG.warnf("command %s: %s", command.commandId(), reason);
        }
        publisher.publishAndAwait(EventTypes.COMMAND_FINISHED, new CommandFinished(command.commandId(),
                command.command(), command.epoch(), command.target(), outcome, reason, handledBy, details,
                Instant.now(), promotion));
    }
}
