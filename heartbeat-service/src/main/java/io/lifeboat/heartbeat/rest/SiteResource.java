package io.lifeboat.heartbeat.rest;

import io.lifeboat.heartbeat.service.VerdictService;
import io.lifeboat.heartbeat.verdict.SiteJudgement;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The verdict on every site, as this instance sees it: verdict, since, reason, evidence. */
@Path("/sites")
@Produces(MediaType.APPLICATION_JSON)
public class SiteResource {

    private final VerdictService verdicts;

    SiteResource(VerdictService verdicts) {
        this.verdicts = verdicts;
    }

    @GET
    public List<SiteJudgement> all() {
        return verdicts.sites();
    }

    @GET
    @Path("/{siteId}")
    public SiteJudgement one(@PathParam("siteId") String siteId) {
        return verdicts.site(siteId).orElseThrow(() -> new NotFoundException("no site '" + siteId + "'"));
    }
}
