package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class ObjectStoreTest {

    @TempDir
    static Path workDir;
    static ObjectStore store;

    @BeforeAll
    static void start() {
        store = new ObjectStore("home", workDir).start();
    }

    @AfterAll
    static void stop() {
        store.close();
        assertThat(store.isRunning()).isFalse();
        assertThat(KafkaBrokerTest.accepts(store.port())).isFalse();
    }

    @Test
    void putsGetsAndListsObjectsWithoutDirectoryMarkers() {
        try (S3Client s3 = client(store.secretKey())) {
            s3.createBucket(b -> b.bucket("exports"));
            s3.putObject(b -> b.bucket("exports").key("site-a/2026/export-1.csv"), RequestBody.fromString("a,b\n1,2\n"));
            s3.putObject(b -> b.bucket("exports").key("site-a/2026/export-2.csv"), RequestBody.fromString("c\n"));

            String content = s3.getObjectAsBytes(b -> b.bucket("exports").key("site-a/2026/export-1.csv"))
                    .asString(StandardCharsets.UTF_8);
            List<String> keys = s3.listObjectsV2(b -> b.bucket("exports")).contents().stream()
                    .map(S3Object::key).collect(Collectors.toList());

            assertThat(content).isEqualTo("a,b\n1,2\n");
            assertThat(keys).containsExactly("site-a/2026/export-1.csv", "site-a/2026/export-2.csv");
        }
    }

    @Test
    void completesMultipartUploads() {
        byte[] part1 = filled(5 * 1024 * 1024, (byte) 'x');
        byte[] part2 = filled(1024, (byte) 'y');
        try (S3Client s3 = client(store.secretKey())) {
            store.createBucket("multipart");
            String uploadId = s3.createMultipartUpload(b -> b.bucket("multipart").key("big.zip")).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            byte[][] bodies = {part1, part2};
            for (int i = 0; i < bodies.length; i++) {
                int number = i + 1;
                String etag = s3.uploadPart(b -> b.bucket("multipart").key("big.zip").uploadId(uploadId)
                        .partNumber(number), RequestBody.fromBytes(bodies[number - 1])).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket("multipart").key("big.zip").uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));

            byte[] stored = s3.getObjectAsBytes(b -> b.bucket("multipart").key("big.zip")).asByteArray();
            assertThat(stored).hasSize(part1.length + part2.length);
            assertThat(Arrays.copyOfRange(stored, part1.length - 1, part1.length + 1)).containsExactly('x', 'y');
            assertThat(s3.listObjectsV2(b -> b.bucket("multipart")).contents()).extracting(S3Object::key)
                    .containsExactly("big.zip");
        }
    }

    /** filesync-service writes conditionally (If-None-Match: *, If-Match: ETag), as AWS S3 and MinIO take them. */
    @Test
    void refusesAConditionalPutWhoseConditionNoLongerHolds() {
        try (S3Client s3 = client(store.secretKey())) {
            store.createBucket("conditional");
            String first = s3.putObject(b -> b.bucket("conditional").key("k").ifNoneMatch("*"),
                    RequestBody.fromString("first")).eTag();
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("conditional").key("k").ifNoneMatch("*"),
                    RequestBody.fromString("second"))).isInstanceOfSatisfying(S3Exception.class,
                    e -> assertThat(e.statusCode()).isEqualTo(412));
            String replaced = s3.putObject(b -> b.bucket("conditional").key("k").ifMatch(first),
                    RequestBody.fromString("replaced")).eTag();
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("conditional").key("k").ifMatch(first),
                    RequestBody.fromString("stale"))).isInstanceOfSatisfying(S3Exception.class,
                    e -> assertThat(e.statusCode()).isEqualTo(412));
            assertThat(s3.getObjectAsBytes(b -> b.bucket("conditional").key("k")).asUtf8String()).isEqualTo("replaced");
            assertThat(replaced).isNotEqualTo(first);
        }
    }

    @Test
    void keepsObjectsAcrossStopKillAndStartOnTheSamePort() {
        store.createBucket("restart");
        try (S3Client s3 = client(store.secretKey())) {
            s3.putObject(b -> b.bucket("restart").key("kept.txt"), RequestBody.fromString("still here"));
        }
        String endpoint = store.endpoint().toString();

        store.stop();
        assertThat(store.isRunning()).isFalse();
        assertThat(KafkaBrokerTest.accepts(store.port())).isFalse();
        store.start();

        assertThat(store.endpoint().toString()).isEqualTo(endpoint);
        try (S3Client s3 = client(store.secretKey())) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("restart").key("kept.txt")).asUtf8String())
                    .isEqualTo("still here");
        }

        store.kill();
        assertThat(store.isRunning()).isFalse();
        store.start();
        try (S3Client s3 = client(store.secretKey())) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("restart").key("kept.txt")).asUtf8String())
                    .isEqualTo("still here");
        }
    }

    @Test
    void refusesAWrongSecret() {
        try (S3Client s3 = client("not-the-secret")) {
            assertThatThrownBy(() -> s3.listBuckets())
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    private static S3Client client(String secret) {
        return S3Client.builder()
                .endpointOverride(store.endpoint())
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), secret)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
