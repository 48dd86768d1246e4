package io.lifeboat.failover;

import io.lifeboat.events.testing.ServiceBasicsContract;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.Set;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class ServiceBasicsTest extends ServiceBasicsContract {

    ServiceBasicsTest() {
        super("failover-service",
                List.of("/state", "/history", "/failover", "/approve", "/abort", "/failback", "/steps/{n}/retry",
                        "/steps/{n}/skip", "/pause", "/resume"),
                Set.of("POST /failover", "POST /approve", "POST /abort", "POST /failback", "POST /steps/{n}/retry",
                        "POST /steps/{n}/skip", "POST /pause", "POST /resume"));
    }
}
