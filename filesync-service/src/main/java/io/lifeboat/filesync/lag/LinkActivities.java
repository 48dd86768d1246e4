package io.lifeboat.filesync.lag;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.Sites;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@link LinkActivity} of every link, with its lag exported as gauges. */
@ApplicationScoped
public class LinkActivities {

    private final Map<String, LinkActivity> byLink = new LinkedHashMap<>();

    LinkActivities(Sites sites, MeterRegistry meters) {
        for (BucketLink link : sites.links()) {
            LinkActivity activity = new LinkActivity(link);
            byLink.put(link.linkId(), activity);
            Tags tags = Tags.of("link", link.linkId());
            Gauge.builder("lifeboat.filesync.lag", activity, a -> a.lagMs(java.time.Instant.now()) / 1000.0)
                    .description("age of the oldest arrival not yet mirrored").baseUnit("seconds").tags(tags)
                    .register(meters);
            Gauge.builder("lifeboat.filesync.pending.files", activity, LinkActivity::pendingFiles)
                    .description("arrivals not yet mirrored").tags(tags).register(meters);
            Gauge.builder("lifeboat.filesync.pending.bytes", activity, LinkActivity::pendingBytes)
                    .description("size of the arrivals not yet mirrored").baseUnit("bytes").tags(tags).register(meters);
            Gauge.builder("lifeboat.filesync.failed.files", activity, LinkActivity::failedFiles)
                    .description("files that gave up, waiting for reconciliation").tags(tags).register(meters);
        }
    }

    public LinkActivity of(BucketLink link) {
        return byLink.get(link.linkId());
    }

    public Collection<LinkActivity> all() {
        return byLink.values();
    }
}
