package io.lifeboat.heartbeat;

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
        super("heartbeat-service",
                List.of("/sites", "/sites/{siteId}", "/observers", "/warden", "/alerts"),
                Set.of());
    }
}
