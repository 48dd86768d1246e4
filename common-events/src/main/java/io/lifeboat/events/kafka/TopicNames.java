package io.lifeboat.events.kafka;

import io.lifeboat.events.service.LifeboatConfig;
import io.lifeboat.events.Topic;
import jakarta.enterprise.context.ApplicationScoped;

/** The configured name of each topic of the contract. */
@ApplicationScoped
public class TopicNames {

    private final LifeboatConfig.Topics topics;

    TopicNames(LifeboatConfig config) {
        this.topics = config.topics();
    }

    public String of(Topic topic) {
        return switch (topic) {
            case HEARTBEATS -> topics.heartbeats();
            case OUTAGES -> topics.outages();
            case ALERTS -> topics.alerts();
            case REPLICATION_LAG -> topics.replicationLag();
            case FILES -> topics.files();
            case COMMANDS -> topics.commands();
            case EVENTS -> topics.events();
            case FAILOVER_STATE -> topics.failoverState();
            case DLQ -> topics.dlq();
        };
    }
}
