package io.lifeboat.filesync.mirror;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.ObjectStream;
import io.lifeboat.filesync.store.s3.S3Failure;
import io.lifeboat.filesync.store.s3.WriteCondition;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every way a copy is written at the target (in memory, streamed with a known checksum, through the spool, through a
 * scratch key and a server-side copy, in parts) carries the condition the mirror decided on, and a real store refuses
 * the write once it no longer holds: a version written at the target after the look is never overwritten.
 */
class ConditionalCopyTest {

    private static final long THRESHOLD = 8 * 1024 * 1024;
    private static final String WRITTEN_MEANWHILE = "written at offsite after the mirror looked";

    static SiteBucket home;
    static SiteBucket offsite;
    static S3Client offsiteS3;
    static S3Client homeS3;
    final String prefix = "conditional-" + UUID.randomUUID() + "/";

    @BeforeAll
    static void stores() {
        ObjectStore h = Stores.store("home");
        ObjectStore o = Stores.store("offsite");
        home = SiteBucket.connect("home", h.endpoint(), h.region(), h.accessKey(), h.secretKey(), true, BUCKET,
                List.of(), List.of(), 8, Duration.ofSeconds(30));
        offsite = SiteBucket.connect("offsite", o.endpoint(), o.region(), o.accessKey(), o.secretKey(), true, BUCKET,
                List.of(), List.of(), 8, Duration.ofSeconds(30));
        homeS3 = Stores.s3("home");
        offsiteS3 = Stores.s3("offsite");
    }

    @Test
    void aCopyDecidedOnAnEmptyTargetIsRefusedByEveryStrategyOnceAFileLandedThere(@TempDir Path spoolDir) {
        ObjectCopier inMemory = new ObjectCopier(THRESHOLD, 5 * 1024 * 1024, MirrorWorker.DEFAULT_MEMORY_BUFFER,
                Spool.off());
        ObjectCopier spooled = new ObjectCopier(THRESHOLD, 5 * 1024 * 1024, 0, new Spool(spoolDir, 64 << 20));
        ObjectCopier scratchKey = new ObjectCopier(THRESHOLD, 5 * 1024 * 1024, 0, Spool.off());
        refused(inMemory, "in-memory.csv", 1024);
        refused(spooled, "spooled.csv", 1024);
        refused(scratchKey, "scratch-key.csv", 1024);
        refused(spooled, "in-parts.zip", THRESHOLD + 1024);
    }

    @Test
    void aReplaceIsRefusedOnceTheTargetNoLongerHoldsTheVersionItWasDecidedOn() {
        ObjectCopier copier = new ObjectCopier(THRESHOLD, 5 * 1024 * 1024, MirrorWorker.DEFAULT_MEMORY_BUFFER,
                Spool.off());
        String key = prefix + "replaced.csv";
        homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("home's newer version"));
        offsiteS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("the version the mirror saw"));
        StoredObject seen = offsite.head(key).orElseThrow();
        offsiteS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(WRITTEN_MEANWHILE));
        StoredObject source = home.head(key).orElseThrow();
        String sha256 = ObjectCopier.hash(home, source);

        assertThatThrownBy(() -> copier.copy(home, source, sha256, offsite, key,
                WriteCondition.unchanged(seen.etag()))).isInstanceOfSatisfying(S3Failure.class,
                refusal -> assertThat(refusal.targetChanged()).as(refusal.getMessage()).isTrue());
        assertThat(offsiteContent(key)).isEqualTo(WRITTEN_MEANWHILE);

        // Against the version it holds now, the same copy goes through.
        copier.copy(home, source, sha256, offsite, key, WriteCondition.unchanged(offsite.head(key).orElseThrow().etag()));
        assertThat(offsiteContent(key)).isEqualTo("home's newer version");
    }

    private void refused(ObjectCopier copier, String name, long size) {
        String key = prefix + name;
        byte[] content = new byte[(int) size];
        new Random(size).nextBytes(content);
        homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
        offsiteS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(WRITTEN_MEANWHILE));
        ObjectStream in = home.get(key).orElseThrow();
        StoredObject source = home.describe(key, in.info());

        assertThatThrownBy(() -> {
            try (in) {
                copier.copyOpened(in, home, source, offsite, key, WriteCondition.absent());
            }
        }).as(name).isInstanceOfSatisfying(S3Failure.class,
                refusal -> assertThat(refusal.targetChanged()).as(refusal.getMessage()).isTrue());
        assertThat(offsiteContent(key)).as(name).isEqualTo(WRITTEN_MEANWHILE);
    }

    private static String offsiteContent(String key) {
        return new String(offsiteS3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray(),
                StandardCharsets.UTF_8);
    }
}
