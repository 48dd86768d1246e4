package io.lifeboat.filesync.store.s3;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.StreamSupport;

import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Every call filesync makes, through its own client, against a real store; read back with the AWS SDK. */
class S3HttpTest {

    static ObjectStore store;
    static S3Http s3;
    static S3Client sdk;
    final String prefix = "s3http-" + UUID.randomUUID() + "/";

    @BeforeAll
    static void start() {
        store = Stores.store("home");
        s3 = client(store.secretKey());
        sdk = Stores.s3("home");
    }

    static S3Http client(String secretKey) {
        return new S3Http(store.endpoint(), store.region(), store.accessKey(), secretKey, true, 8,
                Duration.ofSeconds(30));
    }

    static byte[] content(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    @Test
    void putsWithMetadataAndMd5ThenHeadsAndGetsKeysWithAwkwardCharacters() throws Exception {
        byte[] content = content(300 * 1024, 1);
        for (String key : List.of(prefix + "a key with spaces.csv", prefix + "ünïcødé/日本語/データ.csv",
                prefix + "x/y/z/1/2/3/deep.zip", prefix + "plus+and&equals=semi;colon%25.bin", prefix + "empty")) {
            byte[] body = key.endsWith("empty") ? new byte[0] : content;
            String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
            String etag = s3.put(BUCKET, key, Map.of("lifeboat-origin-site", "home", "lifeboat-sha256", "abc"),
                    "text/csv; charset=UTF-8", md5, body.length, new ByteArrayInputStream(body), WriteCondition.NONE);

            assertThat(etag).isEqualTo(java.util.HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(body)));
            assertThat(sdk.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(body);
            ObjectInfo head = s3.head(BUCKET, key).orElseThrow();
            assertThat(head.size()).isEqualTo(body.length);
            assertThat(head.etag()).isEqualTo(etag);
            assertThat(head.metadata()).containsEntry("lifeboat-origin-site", "home")
                    .containsEntry("lifeboat-sha256", "abc");
            assertThat(head.contentType()).startsWithIgnoringCase("text/csv");
            assertThat(head.lastModified()).isAfter(Instant.now().minusSeconds(60));
            try (ObjectStream in = s3.get(BUCKET, key, etag).orElseThrow()) {
                assertThat(in.info().metadata()).containsEntry("lifeboat-origin-site", "home");
                assertThat(in.readAllBytes()).isEqualTo(body);
            }
        }
    }

    @Test
    void answersNothingForMissingKeysAndRefusesAnotherVersion() {
        String key = prefix + "versioned.csv";
        assertThat(s3.head(BUCKET, key)).isEmpty();
        assertThat(s3.get(BUCKET, key, null)).isEmpty();
        sdk.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("v1"));

        assertThatThrownBy(() -> s3.get(BUCKET, key, "0123456789abcdef0123456789abcdef"))
                .isInstanceOf(S3Failure.class).satisfies(e -> assertThat(((S3Failure) e).status()).isEqualTo(412));
        s3.delete(BUCKET, key);
        assertThat(s3.head(BUCKET, key)).isEmpty();
    }

    @Test
    void uploadsInPartsAndAbortsLeavingNothing() throws IOException {
        byte[] part1 = content(5 * 1024 * 1024, 2);
        byte[] part2 = content(1234, 3);
        String key = prefix + "parts/big file.bin";
        String uploadId = s3.createMultipartUpload(BUCKET, key, Map.of("lifeboat-sha256", "def"), "application/zip",
                WriteCondition.NONE);
        List<String> etags = new ArrayList<>();
        etags.add(s3.uploadPart(BUCKET, key, uploadId, 1, part1.length, new ByteArrayInputStream(part1)));
        etags.add(s3.uploadPart(BUCKET, key, uploadId, 2, part2.length, new ByteArrayInputStream(part2)));
        assertThat(s3.head(BUCKET, key)).isEmpty(); // invisible until completed
        s3.completeMultipartUpload(BUCKET, key, uploadId, etags, WriteCondition.NONE);

        ObjectInfo head = s3.head(BUCKET, key).orElseThrow();
        assertThat(head.size()).isEqualTo(part1.length + part2.length);
        assertThat(head.metadata()).containsEntry("lifeboat-sha256", "def");
        try (ObjectStream in = s3.get(BUCKET, key, null).orElseThrow()) {
            byte[] read = in.readAllBytes();
            assertThat(java.util.Arrays.copyOfRange(read, part1.length, read.length)).isEqualTo(part2);
        }

        String abandoned = prefix + "parts/abandoned.bin";
        String other = s3.createMultipartUpload(BUCKET, abandoned, Map.of(), "application/octet-stream",
                WriteCondition.NONE);
        s3.uploadPart(BUCKET, abandoned, other, 1, part2.length, new ByteArrayInputStream(part2));
        s3.abortMultipartUpload(BUCKET, abandoned, other);
        assertThat(s3.head(BUCKET, abandoned)).isEmpty();
    }

    @Test
    void listsPageByPageInKeyOrderFromWhereItIsToldToStart() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String key = prefix + "list/" + i + (i == 3 ? " spaced & <odd>.csv" : ".csv");
            keys.add(key);
            sdk.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x" + key));
        }
        List<Listed> all = StreamSupport.stream(s3.list(BUCKET, prefix + "list/", 2).spliterator(), false)
                .filter(o -> o.key().startsWith(prefix + "list/")).toList();

        assertThat(all).extracting(Listed::key).containsExactlyElementsOf(keys);
        assertThat(all.get(3).size()).isEqualTo(1 + keys.get(3).getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length);
        assertThat(all.get(0).eTag()).doesNotContain("\"").isNotEmpty();
        assertThat(StreamSupport.stream(s3.list(BUCKET, keys.get(4), 3).spliterator(), false)
                .filter(o -> o.key().startsWith(prefix + "list/")).map(Listed::key))
                .containsExactlyElementsOf(keys.subList(5, 7));
    }

    @Test
    void aWrongSecretIsRefusedAndAMissingBucketStillAnswers() {
        S3Http wrong = client("not-the-secret");
        assertThatThrownBy(() -> wrong.put(BUCKET, prefix + "x", Map.of(), "text/plain", null, 1,
                new ByteArrayInputStream(new byte[] {1}), WriteCondition.NONE))
                .isInstanceOf(S3Failure.class).satisfies(e -> assertThat(((S3Failure) e).status()).isEqualTo(403));
        assertThat(s3.headBucket(BUCKET)).isEqualTo(200);
        assertThat(s3.headBucket("no-such-bucket-" + UUID.randomUUID())).isEqualTo(404);
    }
}
