package io.lifeboat.heartbeat.rest;

import io.lifeboat.heartbeat.service.SiteWarden;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The site warden: its standing (holding the lease, standby, fencing, fenced), why, and the last renewal. */
@Path("/warden")
@Produces(MediaType.APPLICATION_JSON)
public class WardenResource {

    private final SiteWarden warden;

    WardenResource(SiteWarden warden) {
        this.warden = warden;
    }

    @GET
    public SiteWarden.Status status() {
        return warden.status();
    }
}
