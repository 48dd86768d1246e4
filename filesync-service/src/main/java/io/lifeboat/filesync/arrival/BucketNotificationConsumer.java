package io.lifeboat.filesync.arrival;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.events.kafka.DeadLetters;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.mirror.MirrorDecision;
import io.lifeboat.filesync.mirror.MirrorRules;
import io.lifeboat.filesync.mirror.MirrorService;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Bucket notifications from the sites' stores (MinIO's Kafka target; one topic per site, so the topic says which
 * site's store spoke), each turned into a file.arrived or file.removed on {@code lifeboat.files}. Anything that cannot
 * be read goes to the dead-letter topic with the reason before the record is acknowledged: nothing is dropped
 * silently, and one bad record never stops the others.
 */
@ApplicationScoped
public class BucketNotificationConsumer {

    private static final Logger LOG = Logger.getLogger(BucketNotificationConsumer.class);
    private static final Duration AWAIT = Duration.ofSeconds(130);

    private final Map<String, SiteBucket> siteByTopic = new HashMap<>();
    private final Sites sites;
    private final ArrivalPublisher arrivals;
    private final MirrorService mirrors;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;

    BucketNotificationConsumer(FilesyncConfig config, Sites sites, ArrivalPublisher arrivals, MirrorService mirrors,
            DeadLetters deadLetters, MeterRegistry meters) {
        config.sites().forEach((site, bucket) -> bucket.notificationTopic().filter(t -> !t.isBlank())
                .ifPresent(topic -> siteByTopic.put(topic, sites.bucket(site).orElseThrow())));
        this.sites = sites;
        this.arrivals = arrivals;
        this.mirrors = mirrors;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    // Unordered, several at once: each notification only becomes a file.arrived, and mirroring decides from what the
    // stores hold when it runs, so the order of two notifications about one key does not change the outcome.
    @Incoming("bucket-notifications")
    @Blocking(value = "notification-workers", ordered = false)
    public void onNotification(ConsumerRecord<String, byte[]> record) {
        SiteBucket site = siteByTopic.get(record.topic());
        if (site == null) {
            deadLetter(record, "topic " + record.topic() + " is the notification topic of no configured site");
            return;
        }
        List<ObjectChange> changes;
        try {
            changes = MinioEventParser.parse(site.siteId(), record.value());
        } catch (MalformedNotification e) {
            deadLetter(record, "unreadable bucket notification from site " + site.siteId() + ": " + e.getMessage());
            return;
        }
        for (ObjectChange change : changes) {
            if (!change.bucket().equals(site.bucket())) {
                LOG.debugf("notification about bucket %s of site %s passed over: filesync mirrors bucket %s",
                        change.bucket(), site.siteId(), site.bucket());
                continue;
            }
            if (!site.mirrors(change.key())) {
                LOG.debugf("%s:%s passed over: %s", site.siteId(), change.key(),
                        site.whyNotMirrored(change.key()).orElse(""));
                continue;
            }
            Optional<MirrorDecision> echo = echoOfLifeboatsCopy(change);
            if (echo.isPresent()) {
                skipAsEcho(site, change, echo.get());
                continue;
            }
            arrivals.publish(change, ArrivalPublisher.VIA_NOTIFICATION);
            meters.counter("lifeboat.filesync.arrivals", "site", site.siteId(), "via", "notification").increment();
        }
    }

    /**
     * The store announces the copies Lifeboat itself writes there, with their metadata: origin another site. Such a
     * copy is never mirrored on (no echo), so its notification goes no further than this: no file.arrived for the
     * mirroring side to read and pass over, which saved a Kafka write and read per copied file. The decision is
     * recorded all the same, as the mirroring side did.
     */
    private static Optional<MirrorDecision> echoOfLifeboatsCopy(ObjectChange change) {
        return change.change() == ObjectChange.Change.CREATED
                ? MirrorRules.echo(change.siteId(), change.originSite()) : Optional.empty();
    }

    private void skipAsEcho(SiteBucket site, ObjectChange change, MirrorDecision echo) {
        for (BucketLink link : sites.linksFrom(site.siteId())) {
            mirrors.skipWithoutLooking(link, change.key(), echo);
        }
        meters.counter("lifeboat.filesync.arrivals", "site", site.siteId(), "via", "notification-of-own-copy")
                .increment();
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warnf("bucket notification %s-%d@%d sent to the dead-letter topic: %s", record.topic(),
                record.partition(), record.offset(), reason);
        deadLetters.send(record, reason).await().atMost(AWAIT);
    }
}
