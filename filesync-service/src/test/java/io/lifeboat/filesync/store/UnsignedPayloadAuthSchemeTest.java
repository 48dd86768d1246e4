package io.lifeboat.filesync.store;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Requests signed with an unsigned body, against a real store over plain http: accepted, and still authenticated. */
class UnsignedPayloadAuthSchemeTest {

    static ObjectStore store;
    static final List<String> contentSha256Headers = new CopyOnWriteArrayList<>();
    final String prefix = "unsigned-" + UUID.randomUUID() + "/";

    @BeforeAll
    static void start() {
        store = Stores.store("home");
    }

    static S3Client client(String secretKey) {
        return S3Client.builder()
                .endpointOverride(store.endpoint())
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), secretKey)))
                .forcePathStyle(true)
                .putAuthScheme(new UnsignedPayloadAuthScheme())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        context.httpRequest().firstMatchingHeader("x-amz-content-sha256")
                                .ifPresent(contentSha256Headers::add);
                    }
                }))
                .httpClient(Apache5HttpClient.create())
                .build();
    }

    @Test
    void putsAndReadsBackKeysWithSpacesAndUnicodeWithoutSigningTheBody() {
        byte[] content = new byte[300 * 1024]; // more than one of the SDK's 128 KiB signing chunks
        new Random(7).nextBytes(content);
        String key = prefix + "deep/dir/a file ü €.bin";
        try (S3Client s3 = client(store.secretKey())) {
            contentSha256Headers.clear();
            s3.putObject(b -> b.bucket(BUCKET).key(key).metadata(Map.of("lifeboat-origin-site", "home"))
                    .contentType("text/csv; charset=UTF-8"), RequestBody.fromBytes(content));

            assertThat(contentSha256Headers).containsExactly("UNSIGNED-PAYLOAD");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray()).isEqualTo(content);
            assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "deep/")).contents())
                    .extracting(o -> o.key()).containsExactly(key);
        }
    }

    @Test
    void uploadsInPartsUnsigned() {
        byte[] part = new byte[5 * 1024 * 1024];
        new Random(8).nextBytes(part);
        String key = prefix + "parts.bin";
        try (S3Client s3 = client(store.secretKey())) {
            String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
            String etag = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(part)).eTag();
            s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(etag))));

            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(part.length);
        }
    }

    @Test
    void aWrongSecretIsStillRefused() {
        try (S3Client s3 = client("not-the-secret")) {
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(BUCKET).key(prefix + "x"), RequestBody.fromString("x")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        }
    }
}
