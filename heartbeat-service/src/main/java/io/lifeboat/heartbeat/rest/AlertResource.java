package io.lifeboat.heartbeat.rest;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.heartbeat.alert.AlertService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The alerts this instance has raised and not yet resolved. */
@Path("/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

    private final AlertService alerts;

    AlertResource(AlertService alerts) {
        this.alerts = alerts;
    }

    @GET
    public List<AlertRaised> active() {
        return alerts.active();
    }
}
