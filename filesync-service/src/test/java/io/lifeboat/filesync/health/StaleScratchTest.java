package io.lifeboat.filesync.health;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Scratch keys left behind by an interrupted large copy are removed at start once stale, and nothing else is. */
class StaleScratchTest {

    @Test
    void removesOnlyScratchKeysOlderThanTheCutoff() {
        ObjectStore store = Stores.store("home");
        S3Client s3 = Stores.s3("home");
        SiteBucket bucket = SiteBucket.connect("home", store.endpoint(), store.region(), store.accessKey(),
                store.secretKey(), true, BUCKET, List.of(), List.of(), 8, Duration.ofSeconds(30));
        String left = SiteBucket.SCRATCH_PREFIX + UUID.randomUUID();
        String neighbour = ".lifeboat-scratch." + UUID.randomUUID();
        String after = ".lifeboat-scratchy/" + UUID.randomUUID();
        for (String key : List.of(left, neighbour, after)) {
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(new byte[] {7}));
        }
        try {
            assertThat(Warmup.removeStaleScratch(bucket, Instant.now().minus(Duration.ofHours(1)))).isZero();
            assertThat(Stores.head(s3, left)).isPresent();

            assertThat(Warmup.removeStaleScratch(bucket, Instant.now().plus(Duration.ofMinutes(1)))).isEqualTo(1);
            assertThat(Stores.head(s3, left)).isEmpty();
            assertThat(Stores.head(s3, neighbour)).isPresent();
            assertThat(Stores.head(s3, after)).isPresent();
        } finally {
            for (String key : List.of(left, neighbour, after)) {
                s3.deleteObject(b -> b.bucket(BUCKET).key(key));
            }
        }
    }
}
