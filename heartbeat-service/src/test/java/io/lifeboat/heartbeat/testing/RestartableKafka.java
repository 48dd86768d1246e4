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
            broker = withBrokerClassLoader(() -> new KafkaBroker(SharedServers.workDir().resolve("heartbeat-kafka")).start());
        }
        return broker;
    }

    /** Stops the broker and starts it again on the same port, as an operator's restart would. */
    public static synchronized void restart() {
        withBrokerClassLoader(() -> {
            broker.stop();
            return broker.start();
        });
    }

    /**
     * The broker's readiness check opens a Kafka admin client, which loads its classes through the thread's context
     * class loader; under a running Quarkus test that is Quarkus' and the classes clash (JmxReporter
     * ClassCastException). The loader that loaded KafkaBroker is the right one.
     */
    private static KafkaBroker withBrokerClassLoader(java.util.function.Supplier<KafkaBroker> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaBroker.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = broker().bootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap, "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public synchronized void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
