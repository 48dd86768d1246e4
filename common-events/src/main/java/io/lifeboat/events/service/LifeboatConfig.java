package io.lifeboat.events.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/** Configuration shared by every Lifeboat service, under {@code lifeboat.*}. */
@ConfigMapping(prefix = "lifeboat")
public interface LifeboatConfig {

    /** The id of the site this instance runs at ({@code home}, {@code offsite}, ...): lower case, digits, dashes. */
    String site();

    /** This instance's id; defaults to the host name (the pod name on Kubernetes). */
    @WithName("instance-id")
    Optional<String> instanceId();

    Topics topics();

    Events events();

    interface Topics {
        @WithDefault("lifeboat.heartbeats")
        String heartbeats();

        @WithDefault("lifeboat.outages")
        String outages();

        @WithDefault("lifeboat.alerts")
        String alerts();

        @WithName("replication-lag")
        @WithDefault("lifeboat.replication.lag")
        String replicationLag();

        @WithDefault("lifeboat.files")
        String files();

        @WithDefault("lifeboat.commands")
        String commands();

        @WithDefault("lifeboat.events")
        String events();

        @WithName("failover-state")
        @WithDefault("lifeboat.failover.state")
        String failoverState();

        @WithDefault("lifeboat.dlq")
        String dlq();

        /**
         * The contract's topics this service reads or writes, by property ({@code heartbeats}, {@code events}, ...):
         * created at start when missing ({@code topics.TopicsAtStart}).
         */
        Optional<java.util.List<String>> used();

        /** Copies of each topic a service creates; unset: the broker's {@code default.replication.factor}. */
        @WithName("replication-factor")
        Optional<Short> replicationFactor();

        /** {@code min.insync.replicas} of each topic a service creates; unset: the broker's default. */
        @WithName("min-insync-replicas")
        Optional<Integer> minInsyncReplicas();
    }

    interface Events {
        /** Larger payloads are not read but sent to the dead-letter topic. */
        @WithName("max-payload-bytes")
        @WithDefault("262144")
        int maxPayloadBytes();
    }
}
