package io.lifeboat.filesync.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandName;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.epoch.CommandAdmission;
import io.lifeboat.events.epoch.EpochAdmission;
import io.lifeboat.events.kafka.EventInbox;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.events.service.ServiceIdentity;
import io.lifeboat.filesync.store.Sites;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * RECONCILE commands for files links from {@code lifeboat.commands} (failover-service asks before a failback). Other
 * commands, and commands for other links, are for other services. A command runs only at the epoch failover-service
 * holds ({@link CommandAdmission}): older or from nowhere, it is refused.
 */
@ApplicationScoped
public class ReconcileCommandConsumer {

    private static final Logger LOG = Logger.getLogger(ReconcileCommandConsumer.class);

    private final EventInbox inbox;
    private final Sites sites;
    private final Reconciler reconciler;
    private final EventPublisher publisher;
    private final ServiceIdentity identity;
    private final CommandAdmission admission;

    ReconcileCommandConsumer(EventInbox inbox, Sites sites, Reconciler reconciler, EventPublisher publisher,
            ServiceIdentity identity, CommandAdmission admission) {
        this.inbox = inbox;
        this.sites = sites;
        this.reconciler = reconciler;
        this.publisher = publisher;
        this.identity = identity;
        this.admission = admission;
    }

    @Incoming("commands")
    @Blocking
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        Optional<Event<CommandIssued>> event = inbox.open(record, EventTypes.COMMAND_ISSUED);
        if (event.isEmpty()) {
            return;
        }
        CommandIssued command = event.get().payload();
        boolean forFiles = "files".equals(command.target()) || sites.link(command.target()).isPresent();
        if (command.command() != CommandName.RECONCILE || !forFiles) {
            return;
        }
        try {
            EpochAdmission.Decision admitted = admission.admit(command);
            if (!admitted.admitted()) {
                finish(command, CommandOutcome.REFUSED, "refused RECONCILE: " + admitted.reason(), Map.of());
                return;
            }
            List<ReconcileReport> reports = "files".equals(command.target())
                    ? reconciler.reconcileAll("command " + command.commandId())
                    : List.of(reconciler.reconcile(sites.link(command.target()).orElseThrow(),
                            "command " + command.commandId()));
            long failures = reports.stream().mapToLong(ReconcileReport::failures).sum();
            Map<String, String> details = Map.of(
                    "checked", Long.toString(reports.stream().mapToLong(ReconcileReport::checked).sum()),
                    "copied", Long.toString(reports.stream().mapToLong(ReconcileReport::copied).sum()),
                    "conflicts", Long.toString(reports.stream().mapToLong(ReconcileReport::conflicts).sum()),
                    "failures", Long.toString(failures));
            finish(command, failures == 0 ? CommandOutcome.DONE : CommandOutcome.FAILED,
                    failures == 0 ? "reconciled: both sites hold the same files" : failures
                            + " file(s) could not be repaired; see GET /links", details);
        } catch (RuntimeException e) {
            finish(command, CommandOutcome.FAILED, "reconciliation failed: " + e.getMessage(), Map.of());
        }
    }

    private void finish(CommandIssued command, CommandOutcome outcome, String reason, Map<String, String> details) {
        LOG.infof("command %s (RECONCILE %s): %s: %s", command.commandId(), command.target(), outcome, reason);
        publisher.publishAndAwait(EventTypes.COMMAND_FINISHED, new CommandFinished(command.commandId(),
                command.command(), command.epoch(), command.target(), outcome, reason,
                identity.who(), details, Instant.now()));
    }
}
