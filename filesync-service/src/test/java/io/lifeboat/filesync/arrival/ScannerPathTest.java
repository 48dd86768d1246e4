package io.lifeboat.filesync.arrival;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileArrived;
import io.lifeboat.events.FileRemoved;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.filesync.testing.FilesyncStoresResource;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.testing.KafkaResource;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A site whose store sends no notifications: its arrivals and removals are seen by the scanner. */
@QuarkusTest
@TestProfile(ScannerPathTest.OffsiteScanned.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(FilesyncStoresResource.class)
class ScannerPathTest {

    public static class OffsiteScanned implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lifeboat.filesync.sites.offsite.arrivals", "scanner",
                    // Offsite's notifications are not listened to: only the scanner can see what lands there.
                    "mp.messaging.incoming.bucket-notifications.topics", Stores.notificationTopic("home"),
                    "lifeboat.filesync.scanner.interval", "1s",
                    "lifeboat.filesync.scanner.page-size", "3",
                    "lifeboat.filesync.scanner.state-topic", "filesync-scanner-state-" + UUID.randomUUID());
        }
    }

    final String prefix = "scan-" + UUID.randomUUID() + "/";
    final S3Client offsite = Stores.s3("offsite");
    final S3Client home = Stores.s3("home");

    @Test
    void seesArrivalsAndRemovalsByListingAndMirrorsThem() {
        try (TopicReader files = new TopicReader(SharedServers.kafka().bootstrapServers(), "lifeboat.files")) {
            for (int i = 0; i < 7; i++) {
                String key = prefix + i + ".csv";
                offsite.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("scanned " + key));
            }
            for (int i = 0; i < 7; i++) {
                String key = prefix + i + ".csv";
                await().atMost(Duration.ofSeconds(30)).until(() -> Stores.head(home, key).isPresent());
            }
            FileArrived arrived = (FileArrived) files.awaitEvent(e -> e.type() == EventTypes.FILE_ARRIVED
                    && ((FileArrived) e.payload()).key().equals(prefix + "0.csv"), Duration.ofSeconds(10)).payload();
            assertThat(arrived.seenVia()).isEqualTo("SCAN");
            assertThat(arrived.siteId()).isEqualTo("offsite");

            offsite.deleteObject(b -> b.bucket(BUCKET).key(prefix + "3.csv"));
            FileRemoved removed = (FileRemoved) files.awaitEvent(e -> e.type() == EventTypes.FILE_REMOVED
                    && ((FileRemoved) e.payload()).key().equals(prefix + "3.csv"), Duration.ofSeconds(30)).payload();
            assertThat(removed.seenVia()).isEqualTo("SCAN");
            // Deletes are not propagated by default.
            assertThat(Stores.head(home, prefix + "3.csv")).isPresent();
        }
    }
}
