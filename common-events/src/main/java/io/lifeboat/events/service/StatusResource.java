package io.lifeboat.events.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The identity of every Lifeboat service instance, the same on all four. */
@Path("/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    private final ServiceIdentity identity;

    StatusResource(ServiceIdentity identity) {
        this.identity = identity;
    }

    @GET
    public ServiceStatus status() {
        return ServiceStatus.of(identity);
    }
}
