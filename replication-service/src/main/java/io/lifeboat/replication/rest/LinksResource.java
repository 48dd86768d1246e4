package io.lifeboat.replication.rest;

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

import java.util.List;
import java.util.Map;

/** The links' status, and the one operator action that is not a command: resuming a stopped table. */
@Path("/links")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class LinksResource {

    private final ReplicationLinks links;

    LinksResource(ReplicationLinks links) {
        this.links = links;
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

    /** Compares the columns of both sides now. */
    @POST
    @Path("{id}/drift/check")
    public List<ColumnDrift> checkDrift(@PathParam("id") String id) throws Exception {
        return link(id).checkDrift();
    }

    /** After the operator fixed what made a change unappliable: apply that table again from its stopped record. */
    @POST
    @Path("{id}/tables/{table}/resume")
    public Response resumeTable(@PathParam("id") String id, @PathParam("table") String table) throws Exception {
        boolean resumed = link(id).resumeTable(table);
        return resumed ? Response.ok(Map.of("table", table, "resumed", true, "reason", "retrying its stopped record")).build()
                : Response.status(409).entity(Map.of("table", table, "resumed", false,
                        "reason", "table " + table + " of link " + id + " is not stopped")).build();
    }

    private ReplicationLink link(String id) {
        return links.byId(id).orElseThrow(() -> new NotFoundException("no link " + id));
    }
}
