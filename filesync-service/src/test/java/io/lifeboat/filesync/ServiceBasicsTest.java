package io.lifeboat.filesync;

import io.lifeboat.events.testing.ServiceBasicsContract;
import io.lifeboat.filesync.testing.FilesyncStoresResource;
import io.lifeboat.loopback.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.Set;

@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(FilesyncStoresResource.class)
class ServiceBasicsTest extends ServiceBasicsContract {

    ServiceBasicsTest() {
        super("filesync-service",
                List.of("/links", "/reconcile"),
                Set.of("POST /reconcile"));
    }
}
