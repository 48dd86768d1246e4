package io.lifeboat.filesync.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lifeboat.filesync.config.ConfigCheck;
import io.lifeboat.filesync.config.FilesyncConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The configured sites' buckets and the links between them (every ordered pair). Built at start-up: a configuration
 * that cannot run stops the service there, naming every key at fault.
 */
@Startup
@ApplicationScoped
public class Sites {

    private static final Logger LOG = Logger.getLogger(Sites.class);

    private final Map<String, SiteBucket> buckets = new LinkedHashMap<>();
    private final Map<String, BucketLink> links = new LinkedHashMap<>();

    Sites(FilesyncConfig config) {
        List<String> problems = ConfigCheck.problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("filesync-service cannot start, its configuration is incomplete:\n  - "
                    + String.join("\n  - ", problems));
        }
        config.sites().forEach((site, bucket) -> buckets.put(site, SiteBucket.of(site, bucket, config.mirror())));
        for (SiteBucket source : buckets.values()) {
            for (SiteBucket target : buckets.values()) {
                if (source != target) {
                    BucketLink link = new BucketLink(BucketLink.idOf(source.siteId(), target.siteId()), source, target);
                    links.put(link.linkId(), link);
                }
            }
        }
        // Endpoints and buckets only: credentials never reach a log line.
        buckets.values().forEach(b -> LOG.infof("site %s: bucket %s at %s", b.siteId(), b.bucket(), b.endpoint()));
    }

    public Collection<SiteBucket> buckets() {
        return buckets.values();
    }

    public Optional<SiteBucket> bucket(String siteId) {
        return Optional.ofNullable(buckets.get(siteId));
    }

    public Collection<BucketLink> links() {
        return links.values();
    }

    public Optional<BucketLink> link(String linkId) {
        return Optional.ofNullable(links.get(linkId));
    }

    /** The links that carry what arrives at this site elsewhere. */
    public List<BucketLink> linksFrom(String siteId) {
        List<BucketLink> from = new ArrayList<>();
        links.values().stream().filter(l -> l.sourceSite().equals(siteId)).forEach(from::add);
        return from;
    }

    @PreDestroy
    void close() {
        buckets.values().forEach(SiteBucket::close);
    }
}
