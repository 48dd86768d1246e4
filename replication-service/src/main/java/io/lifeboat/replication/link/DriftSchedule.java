package io.lifeboat.replication.link;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.SQLException;

/**
 * Compares both sides' columns at start and every {@code lifeboat.replication.drift-interval} (the comparison itself
 * is the pure {@code drift.SchemaComparison}: {@code link} uses {@code drift}, never the other way).
 */
@ApplicationScoped
public class DriftSchedule {

    private static final Logger LOG = Logger.getLogger(DriftSchedule.class);

    private final ReplicationLinks links;
    private volatile boolean started;

    DriftSchedule(ReplicationLinks links) {
        this.links = links;
    }

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    @Scheduled(every = "${lifeboat.replication.drift-interval:60s}", delay = 2,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!started) {
            return;
        }
        for (ReplicationLink link : links.all()) {
            try {
                link.checkDrift();
            } catch (SQLException e) {
                LOG.debugf("link %s: drift not checked, a side is unreachable: %s", link.id(), e.getMessage());
            }
        }
    }
}
