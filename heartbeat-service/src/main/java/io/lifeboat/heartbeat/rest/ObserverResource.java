package io.lifeboat.heartbeat.rest;

import io.lifeboat.heartbeat.service.VerdictService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/** Every observer heard from: id, location, last seen, stale or not. */
@Path("/observers")
@Produces(MediaType.APPLICATION_JSON)
public class ObserverResource {

    /** {@code self}: this instance. */
    public record ObserverView(String observerId, String location, Instant lastSeen, boolean stale, boolean self) {
    }

    private final VerdictService verdicts;

    ObserverResource(VerdictService verdicts) {
        this.verdicts = verdicts;
    }

    @GET
    public List<ObserverView> all() {
        return verdicts.observers().stream().map(o -> new ObserverView(o.observerId(), o.location(), o.lastSeen(),
                o.stale(), o.observerId().equals(verdicts.observerId()))).toList();
    }
}
