package io.lifeboat.filesync.mirror;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The mirroring decisions, one link at a time, against two real stores (no service around them). */
class MirrorWorkerTest {

    static BucketLink homeToOffsite;
    static BucketLink offsiteToHome;
    static S3Client home;
    static S3Client offsite;
    static final MirrorWorker worker = new MirrorWorker(8 * 1024 * 1024, 5 * 1024 * 1024, ".lifeboat-conflicts/");
    final String prefix = "worker-" + UUID.randomUUID() + "/";

    @BeforeAll
    static void stores() {
        ObjectStore h = Stores.store("home");
        ObjectStore o = Stores.store("offsite");
        SiteBucket homeBucket = SiteBucket.connect("home", h.endpoint(), h.region(), h.accessKey(), h.secretKey(),
                true, BUCKET, List.of(), List.of("excluded/"), 8, Duration.ofSeconds(30));
        SiteBucket offsiteBucket = SiteBucket.connect("offsite", o.endpoint(), o.region(), o.accessKey(),
                o.secretKey(), true, BUCKET, List.of(), List.of(), 8, Duration.ofSeconds(30));
        homeToOffsite = new BucketLink("home-to-offsite-files", homeBucket, offsiteBucket);
        offsiteToHome = new BucketLink("offsite-to-home-files", offsiteBucket, homeBucket);
        home = Stores.s3("home");
        offsite = Stores.s3("offsite");
    }

    @Test
    void copiesWithOriginEtagAndChecksumThenSkipsAsIdenticalAndAsEcho() {
        String key = prefix + "a.csv";
        byte[] content = "id,value\n1,2\n".getBytes(StandardCharsets.UTF_8);
        String etag = home.putObject(b -> b.bucket(BUCKET).key(key).contentType("text/csv"),
                RequestBody.fromBytes(content)).eTag().replace("\"", "");

        MirrorOutcome copied = worker.mirror(homeToOffsite, key);

        assertThat(copied.kind()).isEqualTo(Kind.COPIED);
        HeadObjectResponse copy = Stores.head(offsite, key).orElseThrow();
        assertThat(copy.contentLength()).isEqualTo(content.length);
        assertThat(copy.contentType()).isEqualTo("text/csv");
        assertThat(copy.metadata()).containsEntry(LifeboatMetadata.ORIGIN_SITE, "home")
                .containsEntry(LifeboatMetadata.SOURCE_ETAG, etag)
                .containsEntry(LifeboatMetadata.SHA256, Stores.sha256(content))
                .containsKey(LifeboatMetadata.ORIGIN_TIME);
        assertThat(Stores.sha256(offsite, key)).isEqualTo(Stores.sha256(content));

        MirrorOutcome again = worker.mirror(homeToOffsite, key);
        assertThat(again.kind()).isEqualTo(Kind.IDENTICAL);
        assertThat(again.reason()).contains("already holds");

        MirrorOutcome back = worker.mirror(offsiteToHome, key);
        assertThat(back.kind()).isEqualTo(Kind.ECHO);
        assertThat(back.reason()).contains("echo");
    }

    @Test
    void copiesEmptyFilesAndKeysWithSpacesUnicodeAndDeepPrefixes() {
        List<String> keys = List.of(prefix + "empty.csv", prefix + "with space/and+plus & amp.csv",
                prefix + "ünïcødé/日本語/ファイル.csv", prefix + "a/b/c/d/e/f/g/h/i/j/k/deep.zip");
        for (String key : keys) {
            byte[] content = key.endsWith("empty.csv") ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
            home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
            assertThat(worker.mirror(homeToOffsite, key).kind()).as(key).isEqualTo(Kind.COPIED);
            assertThat(Stores.head(offsite, key).orElseThrow().contentLength()).as(key).isEqualTo(content.length);
            assertThat(Stores.sha256(offsite, key)).as(key).isEqualTo(Stores.sha256(content));
        }
    }

    @Test
    void copiesLargeFilesInPartsAndVerifiesThem() {
        String key = prefix + "big.zip";
        byte[] content = new byte[13 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));

        MirrorOutcome outcome = worker.mirror(homeToOffsite, key);

        assertThat(outcome.kind()).isEqualTo(Kind.COPIED);
        assertThat(outcome.bytes()).isEqualTo(content.length);
        assertThat(Stores.sha256(offsite, key)).isEqualTo(Stores.sha256(content));
        assertThat(Stores.head(offsite, key).orElseThrow().metadata())
                .containsEntry(LifeboatMetadata.SHA256, Stores.sha256(content));
    }

    @Test
    void readsALargeNativeFileOnceThroughAScratchKeyBothWaysAndLeavesNoScratchBehind() {
        // Over the in-memory limit (a quarter of the 16 MiB buffer): one file streamed in a single PUT, one in parts.
        String there = prefix + "large-from-home.csv";
        byte[] a = new byte[6 * 1024 * 1024 + 3];
        new Random(11).nextBytes(a);
        home.putObject(b -> b.bucket(BUCKET).key(there).contentType("text/csv"), RequestBody.fromBytes(a));
        String back = prefix + "large-from-offsite.zip";
        byte[] z = new byte[9 * 1024 * 1024 + 5];
        new Random(12).nextBytes(z);
        offsite.putObject(b -> b.bucket(BUCKET).key(back), RequestBody.fromBytes(z));

        MirrorOutcome toOffsite = worker.mirror(homeToOffsite, there);
        MirrorOutcome toHome = worker.mirror(offsiteToHome, back);

        assertThat(toOffsite.kind()).isEqualTo(Kind.COPIED);
        assertThat(toHome.kind()).isEqualTo(Kind.COPIED);
        HeadObjectResponse copyA = Stores.head(offsite, there).orElseThrow();
        assertThat(copyA.contentLength()).isEqualTo(a.length);
        assertThat(copyA.contentType()).isEqualTo("text/csv");
        assertThat(copyA.metadata()).containsEntry(LifeboatMetadata.SHA256, Stores.sha256(a))
                .containsEntry(LifeboatMetadata.ORIGIN_SITE, "home").containsKey(LifeboatMetadata.SOURCE_ETAG);
        assertThat(Stores.sha256(offsite, there)).isEqualTo(Stores.sha256(a));
        assertThat(Stores.head(home, back).orElseThrow().metadata())
                .containsEntry(LifeboatMetadata.SHA256, Stores.sha256(z))
                .containsEntry(LifeboatMetadata.ORIGIN_SITE, "offsite");
        assertThat(Stores.sha256(home, back)).isEqualTo(Stores.sha256(z));
        for (S3Client store : List.of(home, offsite)) {
            assertThat(store.listObjectsV2(b -> b.bucket(BUCKET).prefix(SiteBucket.SCRATCH_PREFIX)).contents())
                    .as("scratch keys left behind").isEmpty();
        }
        // Mirrored once, never again, and the copies are no echo sources either.
        assertThat(worker.mirror(homeToOffsite, there).kind()).isEqualTo(Kind.IDENTICAL);
        assertThat(worker.mirror(offsiteToHome, there).kind()).isEqualTo(Kind.ECHO);
    }

    @Test
    void readsALargeNativeFileOnceThroughTheLocalSpoolAndLeavesNothingOnDisk(@TempDir Path spoolDir)
            throws Exception {
        // 4 MiB in memory at most; 16 MiB of spool: the 6 MiB file goes in one PUT, the 9 MiB one in parts (over the
        // 8 MiB threshold), both from the spool; the 17 MiB one finds no room and takes the scratch key.
        Spool spool = new Spool(spoolDir, 16 * 1024 * 1024);
        MirrorWorker spooling = new MirrorWorker(8 * 1024 * 1024, 5 * 1024 * 1024, ".lifeboat-conflicts/",
                MirrorWorker.DEFAULT_MEMORY_BUFFER, spool);
        List<byte[]> contents = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int size : new int[] {6 * 1024 * 1024 + 3, 9 * 1024 * 1024 + 5, 17 * 1024 * 1024 + 1}) {
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            String key = prefix + "spooled-" + size + ".bin";
            home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
            contents.add(content);
            keys.add(key);
        }

        for (int i = 0; i < keys.size(); i++) {
            MirrorOutcome outcome = spooling.mirror(homeToOffsite, keys.get(i));
            assertThat(outcome.kind()).isEqualTo(Kind.COPIED);
            assertThat(Stores.sha256(offsite, keys.get(i))).isEqualTo(Stores.sha256(contents.get(i)));
            assertThat(Stores.head(offsite, keys.get(i)).orElseThrow().metadata())
                    .containsEntry(LifeboatMetadata.SHA256, Stores.sha256(contents.get(i)))
                    .containsEntry(LifeboatMetadata.ORIGIN_SITE, "home");
        }

        assertThat(spool.filesSpooled()).as("files that went through the spool").isEqualTo(2);
        try (var left = Files.list(spoolDir)) {
            assertThat(left.toList()).as("spool files left on disk").isEmpty();
        }
        assertThat(offsite.listObjectsV2(b -> b.bucket(BUCKET).prefix(SiteBucket.SCRATCH_PREFIX)).contents())
                .as("scratch keys left behind").isEmpty();
        assertThat(spooling.mirror(homeToOffsite, keys.get(0)).kind()).isEqualTo(Kind.IDENTICAL);
    }

    @Test
    void copiesThroughAScratchKeyWhileTheSpoolDirectoryCannotTakeAFile(@TempDir Path dir) throws Exception {
        Path spoolDir = dir.resolve("spool");
        Spool spool = new Spool(spoolDir, 64 * 1024 * 1024);
        MirrorWorker spooling = new MirrorWorker(8 * 1024 * 1024, 5 * 1024 * 1024, ".lifeboat-conflicts/",
                MirrorWorker.DEFAULT_MEMORY_BUFFER, spool);
        byte[] content = new byte[6 * 1024 * 1024 + 7];
        new Random(21).nextBytes(content);
        String first = prefix + "spool-gone.bin";
        String second = prefix + "spool-back.bin";
        for (String key : List.of(first, second)) {
            home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
        }

        assertThat(spooling.mirror(homeToOffsite, first).kind()).isEqualTo(Kind.COPIED);
        assertThat(spool.filesSpooled()).as("files spooled while the directory is missing").isZero();
        Files.createDirectories(spoolDir);
        assertThat(spooling.mirror(homeToOffsite, second).kind()).isEqualTo(Kind.COPIED);
        assertThat(spool.filesSpooled()).as("files spooled once it is back").isEqualTo(1);

        for (String key : List.of(first, second)) {
            assertThat(Stores.sha256(offsite, key)).isEqualTo(Stores.sha256(content));
            assertThat(Stores.head(offsite, key).orElseThrow().metadata())
                    .containsEntry(LifeboatMetadata.SHA256, Stores.sha256(content));
        }
        assertThat(offsite.listObjectsV2(b -> b.bucket(BUCKET).prefix(SiteBucket.SCRATCH_PREFIX)).contents())
                .as("scratch keys left behind").isEmpty();
    }

    @Test
    void neverMirrorsAScratchKey() {
        String scratch = SiteBucket.SCRATCH_PREFIX + UUID.randomUUID();
        home.putObject(b -> b.bucket(BUCKET).key(scratch), RequestBody.fromBytes(new byte[] {1, 2, 3}));
        try {
            MirrorOutcome outcome = worker.mirror(homeToOffsite, scratch);
            assertThat(outcome.kind()).isEqualTo(Kind.EXCLUDED);
            assertThat(outcome.reason()).contains(SiteBucket.SCRATCH_PREFIX);
            assertThat(Stores.head(offsite, scratch)).isEmpty();
            assertThat(homeToOffsite.source().mirrors(scratch)).isFalse();
        } finally {
            home.deleteObject(b -> b.bucket(BUCKET).key(scratch));
        }
    }

    @Test
    void replacesAnOlderCopyFromTheSameOriginAndRepairsACorruptedOne() {
        String key = prefix + "changing.csv";
        home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("version 1"));
        worker.mirror(homeToOffsite, key);
        home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("version 2, longer"));

        assertThat(worker.mirror(homeToOffsite, key).kind()).isEqualTo(Kind.COPIED);
        assertThat(offsite.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String())
                .isEqualTo("version 2, longer");
    }

    @Test
    void sameKeyWrittenAtBothSitesKeepsBothVersionsAndBothLinksAgree() {
        String key = prefix + "conflict.csv";
        home.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("written at home"));
        offsite.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("written offsite, differently"));

        MirrorOutcome first = worker.mirror(homeToOffsite, key);
        MirrorOutcome second = worker.mirror(offsiteToHome, key);

        assertThat(List.of(first.kind(), second.kind())).allMatch(k -> k.isConflict() || k == Kind.ECHO);
        assertThat(first.reason()).contains("independently").contains("newer write wins");
        String atHome = home.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
        String atOffsite = offsite.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
        assertThat(atHome).isEqualTo(atOffsite);
        // The loser is kept under the conflict prefix at the site that was overwritten or is losing.
        List<String> kept = listUnder(home, ".lifeboat-conflicts/").stream().filter(k -> k.endsWith(key)).toList();
        List<String> keptOffsite = listUnder(offsite, ".lifeboat-conflicts/").stream().filter(k -> k.endsWith(key))
                .toList();
        assertThat(kept.size() + keptOffsite.size()).isGreaterThanOrEqualTo(1);
        String loser = atHome.equals("written at home") ? "written offsite, differently" : "written at home";
        String keptKey = (kept.isEmpty() ? keptOffsite : kept).get(0);
        S3Client holder = kept.isEmpty() ? offsite : home;
        assertThat(holder.getObjectAsBytes(b -> b.bucket(BUCKET).key(keptKey)).asUtf8String()).isEqualTo(loser);
    }

    @Test
    void saysWhyItSkipsRemovedAndExcludedKeys() {
        assertThat(worker.mirror(homeToOffsite, prefix + "never-written").kind()).isEqualTo(Kind.SOURCE_GONE);
        MirrorOutcome excluded = worker.mirror(homeToOffsite, "excluded/" + prefix + "x");
        assertThat(excluded.kind()).isEqualTo(Kind.EXCLUDED);
        assertThat(excluded.reason()).contains("excluded prefix 'excluded/'");
    }

    private static List<String> listUnder(S3Client s3, String under) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(under)).contents().stream()
                .map(o -> o.key()).toList();
    }
}
