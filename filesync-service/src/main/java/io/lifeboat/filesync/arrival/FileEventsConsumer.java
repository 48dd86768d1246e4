package io.lifeboat.filesync.arrival;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileArrived;
import io.lifeboat.events.FileRemoved;
import io.lifeboat.events.EventType;
import io.lifeboat.events.kafka.CloudEventHeaders;
import io.lifeboat.events.kafka.EventInbox;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.lifeboat.filesync.mirror.MirrorDecision;
import io.lifeboat.filesync.mirror.MirrorRules;
import io.lifeboat.filesync.mirror.MirrorService;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.store.StoredObject;
// The messaging variant: it names a worker pool and allows unordered (concurrent) processing.
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The mirroring side of {@code lifeboat.files}: every file.arrived is mirrored over each link from its site, on the
 * {@code mirror-workers} pool, several at once (unordered: each key is serialised by {@link MirrorService}). A record
 * is acknowledged only when its file is settled, so a crash mid-copy means the arrival is read again after restart.
 */
@ApplicationScoped
public class FileEventsConsumer {

    private static final Logger LOG = Logger.getLogger(FileEventsConsumer.class);
    private static final Set<EventType<?>> TAKEN = Set.of(EventTypes.FILE_ARRIVED, EventTypes.FILE_REMOVED);

    private final EventInbox inbox;
    private final Sites sites;
    private final MirrorService mirrors;
    private final boolean propagateDeletes;

    FileEventsConsumer(EventInbox inbox, Sites sites, MirrorService mirrors, FilesyncConfig config) {
        this.inbox = inbox;
        this.sites = sites;
        this.mirrors = mirrors;
        this.propagateDeletes = config.mirror().propagateDeletes();
    }

    @Incoming("files")
    @Blocking(value = "mirror-workers", ordered = false)
    public void onFileEvent(ConsumerRecord<String, byte[]> record) {
        if (isAnotherKnownType(record)) {
            return;
        }
        Optional<Event<?>> event = inbox.open(record, TAKEN);
        if (event.isEmpty()) {
            return;
        }
        try {
            if (event.get().payload() instanceof FileArrived arrived) {
                onArrived(arrived);
            } else if (event.get().payload() instanceof FileRemoved removed) {
                onRemoved(removed);
            }
        } catch (RuntimeException e) {
            // MirrorService never throws for a file; this is a bug or a configuration gap, and must not stop the
            // channel. Reconciliation will find the file.
            LOG.errorf(e, "file event %s-%d@%d not handled", record.topic(), record.partition(), record.offset());
        }
    }

    /**
     * The topic also carries what this service says itself (file.mirrored, one per copy, …): known by their type
     * header alone, they are passed over without being parsed and checked against their schema, which was as much
     * work again per file. A record without a known type still goes through the inbox, and to the dead-letter topic.
     */
    private static boolean isAnotherKnownType(ConsumerRecord<String, byte[]> record) {
        String type = CloudEventHeaders.text(record.headers(), CloudEventHeaders.TYPE);
        return type != null && EventTypes.byName(type).filter(t -> !TAKEN.contains(t)).isPresent();
    }

    private void onArrived(FileArrived arrived) {
        Optional<SiteBucket> site = sites.bucket(arrived.siteId());
        if (site.isEmpty() || !site.get().bucket().equals(arrived.bucket())) {
            LOG.debugf("arrival %s/%s at %s passed over: not a configured site's bucket", arrived.bucket(),
                    arrived.key(), arrived.siteId());
            return;
        }
        Instant arrivedAt = arrived.occurredAt() == null ? Instant.now() : arrived.occurredAt();
        Optional<MirrorDecision> echo = MirrorRules.echo(arrived.siteId(), arrived.originSite());
        for (BucketLink link : sites.linksFrom(arrived.siteId())) {
            if (echo.isPresent()) {
                mirrors.skipWithoutLooking(link, arrived.key(), echo.get());
                continue;
            }
            mirrors.mirror(link, arrived.key(), arrived.size(), arrivedAt, arrived.seenVia());
        }
    }

    /**
     * A removal is propagated only when configured to, and then only to a copy that came from the removing site:
     * a file written natively at the other site is never deleted by Lifeboat.
     */
    private void onRemoved(FileRemoved removed) {
        for (BucketLink link : sites.linksFrom(removed.siteId())) {
            if (!propagateDeletes) {
                LOG.infof("%s %s: removed at %s; not removed at %s (lifeboat.filesync.mirror.propagate-deletes is "
                        + "off)", link.linkId(), removed.key(), removed.siteId(), link.targetSite());
                continue;
            }
            Optional<StoredObject> copy = link.target().head(removed.key());
            if (copy.isPresent() && copy.get().originSite().equals(removed.siteId())
                    && link.source().head(removed.key()).isEmpty()) {
                link.target().delete(removed.key());
                LOG.infof("%s %s: removed at %s, so its copy at %s was removed too", link.linkId(), removed.key(),
                        removed.siteId(), link.targetSite());
            } else if (copy.isPresent()) {
                LOG.infof("%s %s: removed at %s; kept at %s: the version there is not a copy from %s",
                        link.linkId(), removed.key(), removed.siteId(), link.targetSite(), removed.siteId());
            }
        }
    }
}
