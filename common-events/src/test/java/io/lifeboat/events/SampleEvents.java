package io.lifeboat.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One realistic, full sample of every event type of the contract: every field set, as a producer would write it
 * at its most complete. Tests and documentation examples take their events from here.
 */
public final class SampleEvents {

    private static final Instant T = Instant.parse("2025-03-14T09:26:53.589Z");

    private static final Map<EventType<?>, EventPayload> SAMPLES = new LinkedHashMap<>();

    static {
        put(EventTypes.SERVICE_STARTED, new ServiceStarted("replication-service", "offsite",
                "replication-service-7c9f6d5b8-x2kqp", "0.1.0", "8671de9", T));

        put(EventTypes.HEARTBEAT_OBSERVED, new HeartbeatObserved("home", "jdbc:postgresql://db.home.example:5432/portal",
                "POSTGRES", true, "observer-offsite-1", "offsite", false, 2000, "TIMEOUT",
                "no answer within 2000 ms", Boolean.FALSE, T));

        put(EventTypes.SITE_VERDICT_CHANGED, new SiteVerdictChanged("home:DOWN:2025-03-14T09:26:47.400Z", "home",
                Verdict.DOWN, Verdict.DEGRADED, T.minusMillis(100),
                "down: 3/3 observers in 2 locations, https://home/health failing for 6.1 s",
                new VerdictEvidence(List.of("observer-offsite-1", "observer-offsite-2", "observer-cloud-1"), 3,
                        List.of("offsite", "cloud-eu-west"), List.of("https://portal.home.example/health",
                        "jdbc:postgresql://db.home.example:5432/portal"), Instant.parse("2025-03-14T09:26:47.400Z")),
                "observer-offsite-1"));

        put(EventTypes.ALERT_RAISED, new AlertRaised("slot-retention:home-to-offsite-db", "SLOT_RETENTION",
                Severity.WARNING, "home", "replication slot lifeboat_offsite holds 1.2 GiB of WAL (threshold 1 GiB)",
                "replication-service/replication-service-7c9f6d5b8-x2kqp", T,
                Map.of("link", "home-to-offsite-db", "slot", "lifeboat_offsite")));

        put(EventTypes.ALERT_RESOLVED, new AlertResolved("slot-retention:home-to-offsite-db", "SLOT_RETENTION", "home",
                "retained WAL back to 12 MiB", "replication-service/replication-service-7c9f6d5b8-x2kqp",
                T.plusSeconds(300)));

        put(EventTypes.REPLICATION_LAG, new ReplicationLag("home-to-offsite-db", LinkKind.DATABASE, "home", "offsite",
                42, 17, 18_432L, "0/1A2B3C4", "0/1A2B000", 12_582_912L, LinkState.STREAMING, T,
                new StandbyConsistency(Consistency.CONSISTENT, "every table copied (12 of 12), none stopped, no gap", 12, 12),
                T.minusSeconds(3600), new WorkProgress("rows", 1_200_000, 5_000_000L, 240_000.0, 15L,
                        "tables 3/7, 412 MB", T.minusSeconds(5))));

        put(EventTypes.LINK_STATE_CHANGED, new LinkStateChanged("home-to-offsite-db", LinkKind.DATABASE, "home",
                "offsite", LinkState.STREAMING, LinkState.DRAINING, "DRAIN command c-20250314-0001 at epoch 7",
                "0/1A2B000", T));

        put(EventTypes.FILE_ARRIVED, new FileArrived("home", "exports", "acme/array-7/2025-03-14T09-25.csv.zip",
                1_048_576, "9b2cf535f27731c974343645a3985328",
                "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7", "home", "NOTIFICATION", T));

        put(EventTypes.FILE_REMOVED, new FileRemoved("offsite", "exports", "acme/array-7/2025-02-12T09-25.csv.zip",
                "SCAN", T));

        put(EventTypes.FILE_MIRRORED, new FileMirrored("home-to-offsite-files", "home", "offsite", "exports",
                "acme/array-7/2025-03-14T09-25.csv.zip", 1_048_576,
                "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7", "home", 87, T.plusMillis(87)));

        put(EventTypes.FILE_MIRROR_FAILED, new FileMirrorFailed("offsite-to-home-files", "offsite", "home", "exports",
                "globex/array-2/2025-03-14T09-20.csv", 5, "PUT refused: 503 Slow Down (5 attempts over 31 s)", T));

        put(EventTypes.RECONCILIATION_COMPLETED, new ReconciliationCompleted("home-to-offsite-files", "SCHEDULE",
                48_211, 3, 1, 0, 12_480, T));

        put(EventTypes.COMMAND_ISSUED, new CommandIssued("c-20250314-0001", CommandName.PROMOTE, 7,
                "home-to-offsite-db", "failover-service/failover-service-5d8b7c-9wz4n",
                "home is DOWN (3/3 observers in 2 locations); standby lag 180 ms within the allowed 5 s",
                // Every field set, though no one command uses them all: the sample shows the whole shape.
                new CommandParameters(Instant.parse("2025-03-14T09:26:47.400Z"), true, "offsite", true, "offsite", true,
                        "offsite"), T));

        put(EventTypes.COMMAND_FINISHED, new CommandFinished("c-20250314-0001", CommandName.PROMOTE, 7,
                "home-to-offsite-db", CommandOutcome.DONE, "promoted at 0/1A2B3C4; 14 sequences moved past the data",
                "replication-service/replication-service-7c9f6d5b8-x2kqp",
                Map.of("appliedPosition", "0/1A2B3C4", "dataLossWindowMs", "180"), T.plusSeconds(2),
                new PromotionResult("home-to-offsite-db", false, "0/1A2B3C4/0/1A2B000", T.minusMillis(180), 180L,
                        T, 0, false)));

        put(EventTypes.FAILOVER_STATE, new FailoverState("lifeboat", "home", "offsite", 7, FailoverPhase.FAILING_OVER,
                "run-20250314-0926", "FAILOVER", 3, "promote-standby", "home is DOWN; automatic failover",
                "failover-service/failover-service-5d8b7c-9wz4n", T));

        put(EventTypes.FAILOVER_LEADER, new FailoverLeader("lifeboat", "failover-service-5d8b7c-9wz4n",
                "http://10.42.0.17:8080", T));

        put(EventTypes.FAILOVER_DECIDED, new FailoverDecision("d-20250314-0003", 7, "FAIL_OVER",
                "home DOWN for 6.1 s at 3/3 observers in 2 locations; standby healthy; lag 180 ms within the allowed 5 s",
                "home", "home:DOWN:2025-03-14T09:26:47.400Z", "failover-service/failover-service-5d8b7c-9wz4n", T));

        put(EventTypes.FAILOVER_STEP, new FailoverStep("run-20250314-0926", "FAILBACK", 7, 3, "catch-up",
                StepStatus.PROGRESS, 2_140L, "link home-to-offsite-db: 1200000 of 5000000 rows (24 %), 240000/s,"
                + " 15 s left; tables 3/7, 412 MB", T, new WorkProgress("rows", 1_200_000, 5_000_000L, 240_000.0,
                        15L, "tables 3/7, 412 MB", T.minusSeconds(5))));

        put(EventTypes.OPERATOR_ACTED, new OperatorActed("jane.doe", "operator", "approve", "dr-state",
                "home data centre confirmed lost by the provider", "accepted: failover run-20250314-0926 started",
                "failover-service", T));
    }

    private SampleEvents() {
    }

    private static <T extends EventPayload> void put(EventType<T> type, T sample) {
        SAMPLES.put(type, sample);
    }

    /** The sample of a type, if there is one. */
    @SuppressWarnings("unchecked")
    public static <T extends EventPayload> Optional<T> of(EventType<T> type) {
        return Optional.ofNullable((T) SAMPLES.get(type));
    }

    public static Map<EventType<?>, EventPayload> all() {
        return Map.copyOf(SAMPLES);
    }
}
