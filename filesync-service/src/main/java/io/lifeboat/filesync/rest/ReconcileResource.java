package io.lifeboat.filesync.rest;

import java.util.List;

import io.lifeboat.events.security.Allowed;
import io.lifeboat.events.security.Role;
import io.lifeboat.filesync.reconcile.ReconcileReport;
import io.lifeboat.filesync.reconcile.Reconciler;
import io.lifeboat.filesync.store.Sites;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /reconcile[?link=ID]}: compares and repairs now, and answers with the counts when done (the same counts
 * go out as lifeboat.reconciliation.completed). An operator token is needed.
 */
@Path("/reconcile")
@Produces(MediaType.APPLICATION_JSON)
public class ReconcileResource {

    private final Reconciler reconciler;
    private final Sites sites;

    ReconcileResource(Reconciler reconciler, Sites sites) {
        this.reconciler = reconciler;
        this.sites = sites;
    }

    @POST
    @Allowed(Role.OPERATOR)
    public List<ReconcileReport> reconcile(@QueryParam("link") String linkId) {
        if (linkId == null || linkId.isBlank()) {
            return reconciler.reconcileAll("request");
        }
        return List.of(reconciler.reconcile(sites.link(linkId).orElseThrow(
                () -> new NotFoundException("no files link '" + linkId + "'; see GET /links")), "request"));
    }
}
