package io.lifeboat.filesync.lag;

import java.time.Instant;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.LinkKind;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.kafka.EventPublisher;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The files part of the dashboards' feed: one lifeboat.replication.lag-measured per link every second, also while
 * idle (silence would read as "filesync is down").
 */
@ApplicationScoped
public class LagReporter {

    private static final Logger LOG = Logger.getLogger(LagReporter.class);

    private final LinkActivities activities;
    private final EventPublisher publisher;
    private volatile boolean started;
    private volatile boolean lastSendFailed;

    LagReporter(LinkActivities activities, EventPublisher publisher) {
        this.activities = activities;
        this.publisher = publisher;
    }

    void onStart(@Observes StartupEvent start) {
        // The scheduler may fire before the messaging channels are wired; nothing is sent before start-up.
        started = true;
    }

    @Scheduled(every = "${lifeboat.filesync.lag.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void report() {
        if (!started) {
            return;
        }
        Instant now = Instant.now();
        for (LinkActivity activity : activities.all()) {
            publisher.publish(EventTypes.REPLICATION_LAG, measure(activity, now)).subscribe().with(
                    sent -> lastSendFailed = false,
                    failure -> {
                        if (!lastSendFailed) {
                            LOG.warnf("could not publish the lag of %s: %s", activity.link().linkId(),
                                    failure.getMessage());
                        }
                        lastSendFailed = true;
                    });
        }
    }

    static ReplicationLag measure(LinkActivity activity, Instant now) {
        return new ReplicationLag(activity.link().linkId(), LinkKind.FILES, activity.link().sourceSite(),
                activity.link().targetSite(), activity.lagMs(now), activity.pendingFiles(), activity.pendingBytes(),
                null, activity.lastMirroredKey(), null, activity.state(), now, null, null, activity.work(now));
    }
}
