package io.lifeboat.events.topics;

import io.lifeboat.events.Topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every topic Lifeboat uses, with how it is made: the one source of truth for the services that create missing topics
 * and for the Strimzi {@code KafkaTopic} resources shipped in deploy/k8s/base/kafka-topics. Retention is a day where a
 * record is stale within seconds (heartbeats, lag), a week for what a service that was down must still read after a
 * long weekend, 30 days for the dead-letter quarantine (time for a person to look), 90 for the audit trail.
 */
public final class TopicCatalogue {

    public static final String REPLICATION_STATE = "lifeboat.replication.state";
    public static final String REPLICATION_OFFSETS = "lifeboat.replication.offsets";
    public static final String SCANNER_STATE = "lifeboat.filesync.scanner-state";
    public static final String SITE_LEASES = "lifeboat.site-leases";
    public static final String CHANGE_TOPIC_PREFIX = "lifeboat.cdc.";
    public static final String BUCKET_EVENTS_PREFIX = "lifeboat.bucket-events.";

    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);

    private TopicCatalogue() {
    }

    /** A shared topic of the contract, under its default name. */
    public static TopicSpec of(Topic topic) {
        return switch (topic) {
            case HEARTBEATS -> TopicSpec.history(topic.defaultName(), 1, DAY,
                    "every observer's probes; read by every observer, stale within seconds");
            case OUTAGES -> TopicSpec.history(topic.defaultName(), 1, WEEK, "observers' verdicts; failover-service reads them");
            case ALERTS -> TopicSpec.history(topic.defaultName(), 1, WEEK, "alerts raised and resolved; something must page");
            case REPLICATION_LAG -> TopicSpec.history(topic.defaultName(), 1, DAY, "each link's lag and consistency");
            case FILES -> TopicSpec.history(topic.defaultName(), 1, WEEK, "files arrived, mirrored, removed");
            case COMMANDS -> TopicSpec.history(topic.defaultName(), 1, WEEK,
                    "failover-service's commands, written in its transactions");
            case EVENTS -> TopicSpec.history(topic.defaultName(), 1, Duration.ofDays(90),
                    "the audit trail: outcomes, decisions, operators' actions");
            case FAILOVER_STATE -> TopicSpec.state(topic.defaultName(),
                    "the DR state; leadership is this partition's consumer");
            case DLQ -> TopicSpec.history(topic.defaultName(), 1, Duration.ofDays(30),
                    "quarantine: records no service could read, with the reason");
        };
    }

    /** One link's change topic: exactly one partition, the source's commit order across its tables. */
    public static TopicSpec changeTopic(String linkId) {
        return TopicSpec.history(CHANGE_TOPIC_PREFIX + linkId, 1, WEEK,
                "link " + linkId + "'s changes in commit order; retention outlasts the longest the applier may be behind");
    }

    /** A site's bucket notifications, written by its object store. */
    public static TopicSpec bucketEvents(String site) {
        return TopicSpec.history(BUCKET_EVENTS_PREFIX + site, 1, WEEK, "site " + site + "'s object store notifications");
    }

    public static TopicSpec replicationState() {
        return TopicSpec.state(REPLICATION_STATE, "each replication link's durable state, key = link id");
    }

    public static TopicSpec replicationOffsets() {
        return TopicSpec.state(REPLICATION_OFFSETS, "Debezium's offsets: where each link's source stopped reading");
    }

    public static TopicSpec scannerState() {
        return TopicSpec.state(SCANNER_STATE, "filesync's scanner memory of each bucket");
    }

    public static TopicSpec siteLeases() {
        return TopicSpec.state(SITE_LEASES, "each site warden's lease, key = site; renewed every 500 ms by default");
    }

    /** Every topic, with the per-link and per-site ones for the given links and sites. */
    public static List<TopicSpec> all(List<String> links, List<String> sites) {
        List<TopicSpec> all = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            all.add(of(topic));
        }
        all.add(replicationState());
        all.add(replicationOffsets());
        all.add(scannerState());
        all.add(siteLeases());
        links.forEach(link -> all.add(changeTopic(link)));
        sites.forEach(site -> all.add(bucketEvents(site)));
        return all;
    }
}
