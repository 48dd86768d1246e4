package io.lifeboat.replication.health;

import io.lifeboat.replication.link.LinkStatus;
import io.lifeboat.replication.link.ReplicationLink;
import io.lifeboat.replication.link.ReplicationLinks;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Shows every link's state in the health report. Always UP: a lost source or a stopped table is for alerts and
 * the lag feed, and restarting this pod would not fix either (it would only interrupt a drain or a promotion).
 */
@Liveness
@ApplicationScoped
public class LinksHealthCheck implements HealthCheck {

    private final ReplicationLinks links;

    LinksHealthCheck(ReplicationLinks links) {
        this.links = links;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("replication-links").up();
        for (ReplicationLink link : links.all()) {
            LinkStatus s = link.status();
            builder.withData(link.id(), s.state() + " (" + s.sourceSite() + " → " + s.targetSite() + ", lag " + s.lagMs()
                    + " ms): " + s.reason());
        }
        return builder.build();
    }
}
