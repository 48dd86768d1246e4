package io.lifeboat.filesync.rest;

import java.util.List;

import io.lifeboat.events.security.ApiTokens;
import io.lifeboat.events.security.Allowed;
import io.lifeboat.events.security.Role;
import io.lifeboat.filesync.reconcile.ReconcileReport;
import io.lifeboat.filesync.reconcile.Reconciler;
import io.lifeboat.filesync.store.Sites;
import io.lifeboat.filesync.reconcile.ReconcileProgress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * {@code POST /reconcile[?link=ID]}: compares and repairs now, and answers with the counts when done (the same counts
 * go out as lifeboat.reconciliation.completed). An operator token is needed. {@code GET /reconcile}: per link, how
 * far the running reconciliation has got (or the figures the last one ended with), open like {@code GET /links}.
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

    @GET
    public List<ReconcileProgress> progress() {
        return sites.links().stream().flatMap(l -> reconciler.progress(l.linkId()).stream()).toList();
    }

    @POST
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public List<ReconcileReport> reconcile(@QueryParam("link") String linkId) {
        if (linkId == null || linkId.isBlank()) {
            return reconciler.reconcileAll("request");
        }
        return List.of(reconciler.reconcile(sites.link(linkId).orElseThrow(
                () -> new NotFoundException("no files link '" + linkId + "'; see GET /links")), "request"));
    }
}
