package io.lifeboat.filesync.health;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.Sites;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports whether each site's store answers. Stays UP when one does not: a site's store being away is exactly what
 * filesync must ride out (it retries, alerts and reconciles), and taking filesync out of service then would only stop
 * it from recording the other site's arrivals.
 */
@Readiness
@ApplicationScoped
public class StoresHealthCheck implements HealthCheck {

    private final Sites sites;

    StoresHealthCheck(Sites sites) {
        this.sites = sites;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("object-stores").up();
        for (SiteBucket bucket : sites.buckets()) {
            response.withData(bucket.siteId(), bucket.reachable() ? "reachable" : "unreachable");
        }
        return response.build();
    }
}
