package io.lifeboat.replication.rest;

import io.lifeboat.events.security.ApiTokens;
import io.lifeboat.events.security.Allowed;
import io.lifeboat.events.security.Role;
import io.lifeboat.replication.compare.Comparisons;
import io.lifeboat.replication.drift.ColumnDrift;
import io.lifeboat.replication.link.LinkStatus;
import io.lifeboat.replication.link.ReplicationLink;
import io.lifeboat.replication.link.ReplicationLinks;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import io.lifeboat.replication.quarantine.QuarantineView;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The links' status, their quarantine, and the operator actions that are not commands: resuming a link stopped at a
 * refused change, and a resync after a gap. The links' state is open (it is what the lag feed says); the quarantine
 * (customers' rows) needs a viewer token, every action an operator token.
 */
@Path("/links")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class LinksResource {

    private final ReplicationLinks links;
    private final Comparisons comparisons;

    LinksResource(ReplicationLinks links, Comparisons comparisons) {
        this.links = links;
        this.comparisons = comparisons;
    }

    @GET
    public List<LinkStatus> all() {
        return links.all().stream().map(ReplicationLink::status).toList();
    }

    @GET
    @Path("{id}")
    public LinkStatus one(@PathParam("id") String id) {
        return link(id).status();
    }

    /**
     * Compares both databases by hashes now (202: under way; {@code GET} shows it); a comparison already under way
     * for the link is the one returned.
     */
    @POST
    @Path("{id}/compare")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response compare(@PathParam("id") String id) {
        comparisons.start(link(id));
        return Response.accepted(comparisons.history(id).get(0)).build();
    }

    /** The link's recent comparisons, newest first, and when it was last proven equal. */
    @GET
    @Path("{id}/compare")
    public Map<String, Object> comparisons(@PathParam("id") String id) {
        LinkStatus status = link(id).status();
        java.util.Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("link", id);
        view.put("lastProvenEqualAt", status.lastProvenEqualAt());
        view.put("comparisons", comparisons.history(id));
        return view;
    }

    /** Compares the columns of both sides now. */
    @POST
    @Path("{id}/drift/check")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public List<ColumnDrift> checkDrift(@PathParam("id") String id) throws Exception {
        return link(id).checkDrift();
    }

    /** After the operator fixed what made a change unappliable: apply that table again from its stopped record. */
    @POST
    @Path("{id}/tables/{table}/resume")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response resumeTable(@PathParam("id") String id, @PathParam("table") String table) throws Exception {
        boolean resumed = link(id).commands().resumeTable(table);
        return resumed ? Response.ok(Map.of("table", table, "resumed", true, "reason", "retrying its stopped record")).build()
                : Response.status(409).entity(Map.of("table", table, "resumed", false,
                        "reason", "table " + table + " of link " + id + " is not stopped")).build();
    }

    /** What the quarantine holds for this link, per site, reason and table. */
    @GET
    @Path("{id}/quarantine")
    @Allowed(Role.VIEWER)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "viewer")
    public List<QuarantineView.AtSite> quarantine(@PathParam("id") String id) {
        ReplicationLink link = link(id);
        return QuarantineView.counts(id, List.of(link.definition().source(), link.definition().target()));
    }

    /** Every quarantined change of the link, one JSON object per line (site, reason, table, key, change, ...). */
    @GET
    @Path("{id}/quarantine/export")
    @Allowed(Role.VIEWER)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "viewer")
    @Produces("application/x-ndjson")
    public StreamingOutput exportQuarantine(@PathParam("id") String id) {
        ReplicationLink link = link(id);
        return out -> {
            try {
                QuarantineView.export(id, List.of(link.definition().source(), link.definition().target()), out);
            } catch (java.sql.SQLException e) {
                throw new java.io.IOException("quarantine of link " + id + " not readable: " + e.getMessage(), e);
            }
        };
    }

    /**
     * After a gap (the change stream lost changes never applied): every table is copied again from a new snapshot
     * and streaming resumes after the topic's current end. 409 when the link has no gap.
     */
    @POST
    @Path("{id}/resync")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response resync(@PathParam("id") String id) throws Exception {
        String outcome = link(id).commands().resync();
        return outcome == null ? Response.status(409).entity(Map.of("link", id, "resynced", false,
                "reason", "link " + id + " has no gap in its change stream; nothing to resync")).build()
                : Response.ok(Map.of("link", id, "resynced", true, "reason", outcome)).build();
    }

    private ReplicationLink link(String id) {
        return links.byId(id).orElseThrow(() -> new NotFoundException("no link " + id));
    }
}
