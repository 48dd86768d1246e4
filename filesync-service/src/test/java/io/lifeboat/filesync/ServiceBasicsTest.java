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

    @Override
    protected String serviceName() {
        return "filesync-service";
    }

    @Override
    protected List<String> apiPaths() {
        return List.of("/links", "/reconcile");
    }

    @Override
    protected Set<String> operatorOperations() {
        return Set.of("POST /reconcile");
    }
}
