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

    @Override
    protected String serviceName() {
        return "failover-service";
    }

    @Override
    protected List<String> apiPaths() {
        return List.of("/state", "/history", "/failover", "/approve", "/abort", "/failback", "/steps/{n}/retry",
                "/steps/{n}/skip", "/pause", "/resume");
    }

    @Override
    protected Set<String> operatorOperations() {
        return Set.of("POST /failover", "POST /approve", "POST /abort", "POST /failback", "POST /steps/{n}/retry",
                "POST /steps/{n}/skip", "POST /pause", "POST /resume");
    }
}
