package io.lifeboat.filesync.store;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.lifeboat.filesync.config.FilesyncConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One site's bucket, through the plain S3 API, and which of its keys Lifeboat mirrors. Thread-safe.
 */
public final class SiteBucket implements AutoCloseable {

    /** Lifeboat's own scratch keys (the start-up warm-up's probe): never mirrored, never reported. */
    public static final String RESERVED_PREFIX = ".lifeboat-warmup/";

    private final String siteId;
    private final String bucket;
    private final URI endpoint;
    private final S3Client s3;
    private final List<String> include;
    private final List<String> exclude;

    SiteBucket(String siteId, String bucket, URI endpoint, S3Client s3, List<String> include, List<String> exclude) {
        this.siteId = siteId;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.s3 = s3;
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    static SiteBucket of(String siteId, FilesyncConfig.SiteBucketConfig config, FilesyncConfig.Mirror mirror) {
        return connect(siteId, URI.create(config.endpoint().orElseThrow()), config.region(),
                config.accessKey().orElseThrow(), config.secretKey().orElseThrow(), config.pathStyle(),
                config.bucket().orElseThrow(), config.includePrefixes().orElse(List.of()),
                config.excludePrefixes().orElse(List.of()), mirror.maxConnections(), mirror.requestTimeout());
    }

    public static SiteBucket connect(String siteId, URI endpoint, String region, String accessKey, String secretKey,
            boolean pathStyle, String bucket, List<String> include, List<String> exclude, int maxConnections,
            Duration requestTimeout) {
        S3Client s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(pathStyle)
                // The body is not signed over http either (see there): Lifeboat's own SHA-256 proves each copy.
                .putAuthScheme(new UnsignedPayloadAuthScheme())
                // No "Expect: 100-continue" round trip before each upload's body: the stores are known, and a refused
                // upload is retried as a whole anyway.
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                // Checksums only where the API demands them: S3Proxy and older MinIO reject the SDK's defaults. The
                // content is verified end to end by Lifeboat's own SHA-256 instead.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Lifeboat retries whole copies with its own backoff; a streamed body cannot be replayed anyway.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(requestTimeout))
                .httpClient(Apache5HttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(2))
                        .connectionAcquisitionTimeout(requestTimeout)
                        .socketTimeout(requestTimeout)
                        .build())
                .build();
        return new SiteBucket(siteId, bucket, endpoint, s3, include, exclude);
    }

    public String siteId() {
        return siteId;
    }

    public String bucket() {
        return bucket;
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client s3() {
        return s3;
    }

    /** Whether Lifeboat mirrors this key: under an include prefix (if any are set) and under no exclude prefix. */
    public boolean mirrors(String key) {
        if (key.startsWith(RESERVED_PREFIX) || exclude.stream().anyMatch(key::startsWith)) {
            return false;
        }
        return include.isEmpty() || include.stream().anyMatch(key::startsWith);
    }

    /** Why a key is not mirrored, for the log; empty when it is. */
    public Optional<String> whyNotMirrored(String key) {
        if (key.startsWith(RESERVED_PREFIX)) {
            return Optional.of("key is under Lifeboat's own scratch prefix '" + RESERVED_PREFIX + "'");
        }
        Optional<String> excluded = exclude.stream().filter(key::startsWith).findFirst();
        if (excluded.isPresent()) {
            return Optional.of("key is under the excluded prefix '" + excluded.get() + "' of site " + siteId);
        }
        if (!include.isEmpty() && include.stream().noneMatch(key::startsWith)) {
            return Optional.of("key is under none of the included prefixes " + include + " of site " + siteId);
        }
        return Optional.empty();
    }

    public Optional<StoredObject> head(String key) {
        return unlessMissing(() -> s3.headObject(b -> b.bucket(bucket).key(key))).map(head -> new StoredObject(siteId,
                key, head.contentLength(), head.eTag(), head.lastModified(), head.contentType(), head.metadata()));
    }

    /**
     * The current version of an object, its description (size, ETag, time, metadata) with its content in one request;
     * empty if there is none. The caller closes the stream (or aborts it when it stops reading early).
     */
    public Optional<ResponseInputStream<GetObjectResponse>> get(String key) {
        return unlessMissing(() -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    /** The answer of a request about one key, or empty when the key does not exist (a 404, typed or not). */
    private static <T> Optional<T> unlessMissing(java.util.function.Supplier<T> request) {
        try {
            return Optional.of(request.get());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What a GET's answer tells about the version it returns (the same as a HEAD would). */
    public StoredObject describe(String key, GetObjectResponse response) {
        return new StoredObject(siteId, key, response.contentLength(), response.eTag(), response.lastModified(),
                response.contentType(), response.metadata());
    }

    /**
     * The content of exactly the version described by {@code etag}: if the object was replaced meanwhile the store
     * answers 412 and the caller starts over with a fresh HEAD.
     */
    public InputStream open(String key, String etag) {
        return s3.getObject(b -> b.bucket(bucket).key(key).ifMatch(quoted(etag)));
    }

    /** Every object, in key order, page by page as the iteration goes (never the whole listing in memory). */
    public Iterable<S3Object> list(String startAfter, int pageSize) {
        return s3.listObjectsV2Paginator(b -> {
            b.bucket(bucket).maxKeys(pageSize);
            if (startAfter != null && !startAfter.isEmpty()) {
                b.startAfter(startAfter);
            }
        }).contents();
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** Whether the store answers at all (any answer, even an error about the bucket, means it is up). */
    public boolean reachable() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (S3Exception answered) {
            return true;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return siteId + ":" + bucket;
    }
}
