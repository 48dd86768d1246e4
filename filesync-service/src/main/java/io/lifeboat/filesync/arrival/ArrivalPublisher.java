package io.lifeboat.filesync.arrival;

import java.util.concurrent.CompletableFuture;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.FileArrived;
import io.lifeboat.events.FileRemoved;
import io.lifeboat.events.kafka.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a seen change into the one event every path produces on {@code lifeboat.files}: file.arrived or file.removed,
 * keyed {@code bucket/key}. Awaited: the caller acknowledges its own input only once the event is safe.
 */
@ApplicationScoped
public class ArrivalPublisher {

    public static final String VIA_NOTIFICATION = "NOTIFICATION";
    public static final String VIA_SCAN = "SCAN";

    private final EventPublisher publisher;

    ArrivalPublisher(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public void publish(ObjectChange change, String seenVia) {
        if (change.change() == ObjectChange.Change.REMOVED) {
            publisher.publishAndAwait(EventTypes.FILE_REMOVED, removed(change, seenVia));
        } else {
            publisher.publishAndAwait(EventTypes.FILE_ARRIVED, arrived(change, seenVia));
        }
    }

    /**
     * Sends without waiting: the future completes when the broker has acknowledged the event (or fails). For callers
     * that announce many changes and then wait for all of them before recording their own progress.
     */
    public CompletableFuture<?> publishAsync(ObjectChange change, String seenVia) {
        if (change.change() == ObjectChange.Change.REMOVED) {
            return publisher.publish(EventTypes.FILE_REMOVED, removed(change, seenVia))
                    .subscribeAsCompletionStage();
        }
        return publisher.publish(EventTypes.FILE_ARRIVED, arrived(change, seenVia)).subscribeAsCompletionStage();
    }

    private static FileRemoved removed(ObjectChange change, String seenVia) {
        return new FileRemoved(change.siteId(), change.bucket(), change.key(), seenVia, change.occurredAt());
    }

    private static FileArrived arrived(ObjectChange change, String seenVia) {
        return new FileArrived(change.siteId(), change.bucket(), change.key(), change.size(), change.etag(),
                change.sha256(), change.originSite(), seenVia, change.occurredAt());
    }
}
