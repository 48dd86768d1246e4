package io.lifeboat.heartbeat.testing;

import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A broker of this test's own (the shared one must never be stopped), which the test restarts. */
public class RestartableKafka implements QuarkusTestResourceLifecycleManager {

    private static KafkaBroker broker;

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = new KafkaBroker(SharedServers.workDir().resolve("heartbeat-kafka")).start();
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = broker().bootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap, "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        broker.close();
        broker = null;
    }
}
