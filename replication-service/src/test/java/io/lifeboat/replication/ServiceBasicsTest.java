package io.lifeboat.replication;

import io.lifeboat.events.testing.ServiceBasicsContract;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class ServiceBasicsTest extends ServiceBasicsContract {

    @Override
    protected String serviceName() {
        return "replication-service";
    }
}
