package io.lifeboat.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The catalogue: every event type of the contract. {@code common-events/README.md} describes each. */
public final class EventTypes {

    public static final EventType<ServiceStarted> SERVICE_STARTED =
            new EventType<>("lifeboat.service.started.v1", ServiceStarted.class, Topic.EVENTS);
    public static final EventType<HeartbeatObserved> HEARTBEAT_OBSERVED =
            new EventType<>("lifeboat.heartbeat.observed.v1", HeartbeatObserved.class, Topic.HEARTBEATS);
    public static final EventType<SiteVerdictChanged> SITE_VERDICT_CHANGED =
            new EventType<>("lifeboat.site.verdict-changed.v1", SiteVerdictChanged.class, Topic.OUTAGES);
    public static final EventType<AlertRaised> ALERT_RAISED =
            new EventType<>("lifeboat.alert.raised.v1", AlertRaised.class, Topic.ALERTS);
    public static final EventType<AlertResolved> ALERT_RESOLVED =
            new EventType<>("lifeboat.alert.resolved.v1", AlertResolved.class, Topic.ALERTS);
    public static final EventType<ReplicationLag> REPLICATION_LAG =
            new EventType<>("lifeboat.replication.lag-measured.v1", ReplicationLag.class, Topic.REPLICATION_LAG);
    public static final EventType<LinkStateChanged> LINK_STATE_CHANGED =
            new EventType<>("lifeboat.link.state-changed.v1", LinkStateChanged.class, Topic.EVENTS);
    public static final EventType<FileArrived> FILE_ARRIVED =
            new EventType<>("lifeboat.file.arrived.v1", FileArrived.class, Topic.FILES);
    public static final EventType<FileRemoved> FILE_REMOVED =
            new EventType<>("lifeboat.file.removed.v1", FileRemoved.class, Topic.FILES);
    public static final EventType<FileMirrored> FILE_MIRRORED =
            new EventType<>("lifeboat.file.mirrored.v1", FileMirrored.class, Topic.FILES);
    public static final EventType<FileMirrorFailed> FILE_MIRROR_FAILED =
            new EventType<>("lifeboat.file.mirror-failed.v1", FileMirrorFailed.class, Topic.FILES);
    public static final EventType<ReconciliationCompleted> RECONCILIATION_COMPLETED =
            new EventType<>("lifeboat.reconciliation.completed.v1", ReconciliationCompleted.class, Topic.EVENTS);
    public static final EventType<CommandIssued> COMMAND_ISSUED =
            new EventType<>("lifeboat.command.issued.v1", CommandIssued.class, Topic.COMMANDS);
    public static final EventType<CommandFinished> COMMAND_FINISHED =
            new EventType<>("lifeboat.command.finished.v1", CommandFinished.class, Topic.EVENTS);
    public static final EventType<FailoverState> FAILOVER_STATE =
            new EventType<>("lifeboat.failover.state-changed.v1", FailoverState.class, Topic.FAILOVER_STATE);
    public static final EventType<FailoverLeader> FAILOVER_LEADER =
            new EventType<>("lifeboat.failover.leader-elected.v1", FailoverLeader.class, Topic.FAILOVER_STATE);
    public static final EventType<FailoverDecision> FAILOVER_DECIDED =
            new EventType<>("lifeboat.failover.decided.v1", FailoverDecision.class, Topic.EVENTS);
    public static final EventType<FailoverStep> FAILOVER_STEP =
            new EventType<>("lifeboat.failover.step-changed.v1", FailoverStep.class, Topic.EVENTS);
    public static final EventType<OperatorActed> OPERATOR_ACTED =
            new EventType<>("lifeboat.operator.acted.v1", OperatorActed.class, Topic.EVENTS);

    private static final List<EventType<?>> ALL = List.of(SERVICE_STARTED, HEARTBEAT_OBSERVED, SITE_VERDICT_CHANGED,
            ALERT_RAISED, ALERT_RESOLVED, REPLICATION_LAG, LINK_STATE_CHANGED, FILE_ARRIVED, FILE_REMOVED,
            FILE_MIRRORED, FILE_MIRROR_FAILED, RECONCILIATION_COMPLETED, COMMAND_ISSUED, COMMAND_FINISHED,
            FAILOVER_STATE, FAILOVER_LEADER, FAILOVER_DECIDED, FAILOVER_STEP, OPERATOR_ACTED);

    private static final Map<String, EventType<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::name, Function.identity()));

    private EventTypes() {
    }

    public static List<EventType<?>> all() {
        return ALL;
    }

    public static Optional<EventType<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether some version of this type's family is known, to tell "unknown version" from "unknown type". */
    public static boolean knowsFamily(String family) {
        return family != null && ALL.stream().anyMatch(t -> t.family().equals(family));
    }
}
