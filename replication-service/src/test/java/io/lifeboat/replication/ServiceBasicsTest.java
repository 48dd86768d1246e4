package io.lifeboat.replication;

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
        super("replication-service",
                List.of("/links", "/links/{id}", "/links/{id}/compare", "/links/{id}/quarantine", "/links/{id}/resync"),
                Set.of("POST /links/{id}/compare", "POST /links/{id}/drift/check",
                        "POST /links/{id}/tables/{table}/resume", "POST /links/{id}/resync"));
    }
}
