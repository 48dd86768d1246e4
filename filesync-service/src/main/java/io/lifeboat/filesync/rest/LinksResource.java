package io.lifeboat.filesync.rest;

import java.time.Instant;
import java.util.List;

import io.lifeboat.events.LinkState;
import io.lifeboat.filesync.lag.LinkActivities;
import io.lifeboat.filesync.lag.LinkActivity;
import io.lifeboat.filesync.reconcile.ReconcileProgress;
import io.lifeboat.filesync.reconcile.ReconcileReport;
import io.lifeboat.filesync.reconcile.Reconciler;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /links}: every files link, its lag, what gave up and why, and its latest decisions with reasons. */
@Path("/links")
@Produces(MediaType.APPLICATION_JSON)
public class LinksResource {

    private final LinkActivities activities;
    private final Reconciler reconciler;

    LinksResource(LinkActivities activities, Reconciler reconciler) {
        this.activities = activities;
        this.reconciler = reconciler;
    }

    public record LinkView(String linkId, String kind, String sourceSite, String sourceBucket, String targetSite,
            String targetBucket, LinkState state, long lagMs, long pendingFiles, long pendingBytes, long failedFiles,
            List<LinkActivity.PendingFile> failures, Instant lastMirroredAt, String lastMirroredKey,
            ReconcileReport lastReconciliation, ReconcileProgress reconciliation,
            List<LinkActivity.Decision> recentDecisions) {
    }

    @GET
    public List<LinkView> links() {
        Instant now = Instant.now();
        return activities.all().stream().map(a -> new LinkView(a.link().linkId(), "FILES", a.link().sourceSite(),
                a.link().source().bucket(), a.link().targetSite(), a.link().target().bucket(), a.state(), a.lagMs(now),
                a.pendingFiles(), a.pendingBytes(), a.failedFiles(), a.failures(), a.lastMirroredAt(),
                a.lastMirroredKey(), reconciler.lastReport(a.link().linkId()).orElse(null),
                reconciler.progress(a.link().linkId()).orElse(null), a.recent())).toList();
    }
}
