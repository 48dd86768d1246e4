package io.lifeboat.filesync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.TwoSiteWorld;
import io.lifeboat.loopback.testing.SharedServers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The two object stores filesync's tests run against: real S3Proxy servers (loopback-servers) that publish
 * MinIO-format bucket notifications to the shared broker, one topic per site, as MinIO's Kafka target would. One pair
 * per test JVM; tests use unique keys.
 */
public final class Stores {

    public static final String BUCKET = "exports";
    private static final Map<String, ObjectStore> STORES = new HashMap<>();
    private static final Map<String, S3Client> CLIENTS = new HashMap<>();

    private Stores() {
    }

    public static String notificationTopic(String site) {
        return "lifeboat.bucket-events." + site;
    }

    public static synchronized ObjectStore store(String site) {
        return STORES.computeIfAbsent(site, s -> start(SharedServers.kafka(), s, SharedServers.workDir().resolve("filesync-" + s)));
    }

    /** A site's store with bucket {@link #BUCKET}, announcing every object on its notification topic, as MinIO does. */
    public static ObjectStore start(KafkaBroker kafka, String site, Path dataDir) {
        return start(kafka, site, dataDir, "");
    }

    /** The same, announcing only keys under {@code notifiedPrefix} (MinIO's {@code mc event add --prefix}). */
    public static ObjectStore start(KafkaBroker kafka, String site, Path dataDir, String notifiedPrefix) {
        kafka.createTopic(notificationTopic(site), 1, false);
        ObjectStore store = new ObjectStore(site, dataDir)
                .notifyTo(kafka.bootstrapServers(), notificationTopic(site), notifiedPrefix).start();
        store.createBucket(BUCKET);
        return store;
    }

    /** The configuration filesync needs for both sites, as a Quarkus test resource returns it. */
    public static Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        for (String site : TwoSiteWorld.SITES) {
            ObjectStore store = store(site);
            String prefix = "lifeboat.filesync.sites." + site + ".";
            config.put(prefix + "endpoint", store.endpoint().toString());
            config.put(prefix + "region", store.region());
            config.put(prefix + "access-key", store.accessKey());
            config.put(prefix + "secret-key", store.secretKey());
            config.put(prefix + "bucket", BUCKET);
            config.put(prefix + "notification-topic", notificationTopic(site));
        }
        return config;
    }

    public static synchronized S3Client s3(String site) {
        return CLIENTS.computeIfAbsent(site, s -> client(store(s)));
    }

    public static S3Client client(ObjectStore store) {
        return S3Client.builder()
                .endpointOverride(store.endpoint())
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(Apache5HttpClient.create())
                .build();
    }

    public static Optional<HeadObjectResponse> head(S3Client s3, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(BUCKET).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public static String sha256(S3Client s3, String key) {
        try (InputStream in = s3.getObject(b -> b.bucket(BUCKET).key(key))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
