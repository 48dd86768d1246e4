package io.lifeboat.filesync;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lifeboat.filesync.testing.GeneratedContent;
import io.lifeboat.filesync.testing.ServiceUnderTest;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The service as a real process in a small heap (-Xmx128m), against its own broker and stores, so that each can be
 * killed, stopped and restarted: a 200 MB file, SIGKILL mid-copy, the target store away for 30 s, a broker restart.
 * Nothing is lost and nothing partial is ever visible.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    static final long MB = 1024 * 1024;
    @TempDir
    static Path workDir;
    static KafkaBroker kafka;
    static ObjectStore home;
    static ObjectStore offsite;
    static S3Client homeS3;
    static S3Client offsiteS3;
    static ServiceUnderTest service;
    final String prefix = "it-" + UUID.randomUUID() + "/";

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaBroker(workDir.resolve("kafka")).start();
        home = Stores.start(kafka, "home", workDir.resolve("home"));
        offsite = Stores.start(kafka, "offsite", workDir.resolve("offsite"));
        homeS3 = Stores.client(home);
        offsiteS3 = Stores.client(offsite);
        service = new ServiceUnderTest(kafka, home, offsite, Map.of(
                "LIFEBOAT_FILESYNC_MIRROR_MAX_ATTEMPTS", "3",
                "LIFEBOAT_FILESYNC_MIRROR_FIRST_BACKOFF", "200ms",
                "LIFEBOAT_FILESYNC_RECONCILE_RETRY_INTERVAL", "5s"),
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"), workDir).start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {service, homeS3, offsiteS3, home, offsite, kafka}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + closeable + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void mirrorsA200MbFileWithA128MbHeap() throws Exception {
        String key = prefix + "big-200mb.zip";
        put(homeS3, key, 200 * MB, 1);
        await().atMost(Duration.ofMinutes(3)).until(() -> Stores.head(offsiteS3, key).isPresent());
        assertThat(Stores.sha256(offsiteS3, key)).isEqualTo(Stores.sha256(homeS3, key));
        System.out.printf("200 MB mirrored with -Xmx128m; service peak RSS %d MB%n",
                service.peakResidentBytes() / MB);
    }

    @Test
    @Order(2)
    void killedMidCopyShowsNothingPartialAndTheFileArrivesAfterRestart() throws Exception {
        String key = prefix + "killed-100mb.zip";
        put(homeS3, key, 100 * MB, 2);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> links().contains("\"pendingFiles\":1"));
        service.kill();

        Stores.head(offsiteS3, key).ifPresent(partial -> assertThat(partial.contentLength())
                .as("only ever the whole file under its key").isEqualTo(100 * MB));
        service.start();
        await().atMost(Duration.ofMinutes(2)).until(() -> Stores.head(offsiteS3, key).isPresent());
        assertThat(Stores.sha256(offsiteS3, key)).isEqualTo(Stores.sha256(homeS3, key));
    }

    @Test
    @Order(3)
    void arrivalsWhileTheTargetStoreIsDownFor30SecondsAllLandAfterItReturns() throws Exception {
        offsite.stop();
        List<String> keys = List.of(prefix + "down/1.csv", prefix + "down/2.csv", prefix + "down/3.csv");
        for (String key : keys) {
            homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("while offsite was down " + key));
        }
        // Thirty seconds of outage, during which the files wait at filesync, counted as pending (the lag).
        await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> !offsite.isRunning());
        assertThat(links()).contains("home-to-offsite-files");
        offsite.start();
        for (String key : keys) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Stores.head(offsiteS3, key).isPresent());
            assertThat(offsiteS3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String())
                    .isEqualTo("while offsite was down " + key);
        }
    }

    @Test
    @Order(4)
    void filesPutWhileTheBrokerRestartsAreMirrored() throws Exception {
        kafka.stop();
        List<String> keys = List.of(prefix + "broker/1.csv", prefix + "broker/2.csv");
        for (String key : keys) {
            offsiteS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("during the restart"));
        }
        kafka.start();
        for (String key : keys) {
            await().atMost(Duration.ofSeconds(120)).until(() -> Stores.head(homeS3, key).isPresent());
        }
    }

    private static String links() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url() + "/links"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    static void put(S3Client s3, String key, long size, long seed) {
        GeneratedContent.put(s3, key, size, seed);
    }
}
