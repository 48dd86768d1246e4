package io.lifeboat.events;

/**
 * The topics of the contract, with their default names. A deployment may rename them through
 * {@code lifeboat.topics.<property>} (see {@code kafka.TopicNames}).
 */
public enum Topic {
    HEARTBEATS("heartbeats", "lifeboat.heartbeats"),
    OUTAGES("outages", "lifeboat.outages"),
    ALERTS("alerts", "lifeboat.alerts"),
    REPLICATION_LAG("replication-lag", "lifeboat.replication.lag"),
    FILES("files", "lifeboat.files"),
    COMMANDS("commands", "lifeboat.commands"),
    EVENTS("events", "lifeboat.events"),
    FAILOVER_STATE("failover-state", "lifeboat.failover.state"),
    DLQ("dlq", "lifeboat.dlq");

    private final String property;
    private final String defaultName;

    Topic(String property, String defaultName) {
        this.property = property;
        this.defaultName = defaultName;
    }

    /** The key under {@code lifeboat.topics} that renames this topic. */
    public String property() {
        return property;
    }

    public String defaultName() {
        return defaultName;
    }
}
