package io.lifeboat.filesync.health;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.lifeboat.filesync.health.Warmup.ConditionalWrites;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.s3.ConditionIgnoringStore;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The warm-up's check that a store takes conditional writes (its warning is the only word a platform engineer gets
 * that mirror copies can overwrite files there): quiet on a store that takes them, and shown to find one that does not.
 */
class ConditionalWritesCheckTest {

    private static final String PRESENT = "written before the check";

    @Test
    void aStoreThatTakesConditionalWritesIsFoundTakingThem() {
        ObjectStore store = Stores.store("home");
        String key = SiteBucket.RESERVED_PREFIX + "check-" + UUID.randomUUID();
        S3Client s3 = Stores.s3("home");
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(PRESENT));
        try {
            assertThat(Warmup.conditionalWrites(bucket(store, store.endpoint()), key))
                    .isEqualTo(ConditionalWrites.TAKEN);
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo(PRESENT);
        } finally {
            s3.deleteObject(b -> b.bucket(BUCKET).key(key));
        }
    }

    @Test
    void aStoreThatIgnoresConditionalWritesIsFound() throws Exception {
        ObjectStore store = Stores.store("home");
        String key = SiteBucket.RESERVED_PREFIX + "check-" + UUID.randomUUID();
        S3Client s3 = Stores.s3("home");
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(PRESENT));
        try (ConditionIgnoringStore ignoring = new ConditionIgnoringStore(store)) {
            assertThat(Warmup.conditionalWrites(bucket(store, ignoring.endpoint()), key))
                    .isEqualTo(ConditionalWrites.IGNORED);
            // The bad state is real: the store wrote over the key the condition said must be absent.
            assertThat(ignoring.conditionsDropped()).isEqualTo(1);
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).isEmpty();
        } finally {
            s3.deleteObject(b -> b.bucket(BUCKET).key(key));
        }
    }

    @Test
    void aStoreThatDoesNotAnswerIsNotJudged() {
        ObjectStore store = Stores.store("home");
        URI nobody = URI.create("http://127.0.0.1:" + io.lifeboat.loopback.FreePorts.next());
        assertThat(Warmup.conditionalWrites(bucket(store, nobody), SiteBucket.RESERVED_PREFIX + "check-nobody"))
                .isEqualTo(ConditionalWrites.UNKNOWN);
    }

    private static SiteBucket bucket(ObjectStore store, URI endpoint) {
        return SiteBucket.connect("home", endpoint, store.region(), store.accessKey(), store.secretKey(), true, BUCKET,
                List.of(), List.of(), 8, Duration.ofSeconds(5));
    }
}
