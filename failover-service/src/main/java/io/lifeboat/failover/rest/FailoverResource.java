package io.lifeboat.failover.rest;

import io.lifeboat.events.EventTypes;
import io.lifeboat.events.OperatorActed;
import io.lifeboat.events.kafka.EventPublisher;
import io.lifeboat.failover.FailoverLoop;
import io.lifeboat.failover.decision.Context;
import io.lifeboat.failover.decision.FailoverRules;
import io.lifeboat.failover.decision.MaintenanceMode;
import io.lifeboat.failover.decision.Observations;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.decision.Refused;
import io.lifeboat.failover.decision.Transition;
import io.lifeboat.failover.decision.Words;
import io.lifeboat.events.security.ApiTokens;
import io.lifeboat.events.security.Allowed;
import io.lifeboat.events.security.Caller;
import io.lifeboat.events.security.Role;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.HistoryEntry;
import io.lifeboat.failover.state.NotLeader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The operator API: thin. Reads show the state; actions go to the control loop, which applies the same pure rules
 * as for events, and every action, accepted or refused, is audited as {@code lifeboat.operator.acted.v1}.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class FailoverResource {

    private static final Logger LOG = Logger.getLogger(FailoverResource.class);

    private final FailoverLoop loop;
    private final Policy policy;
    private final Caller caller;
    private final EventPublisher publisher;
    private final LeaderForwarding forwarding;

    @jakarta.ws.rs.core.Context
    UriInfo uri;

    @jakarta.ws.rs.core.Context
    HttpHeaders headers;

    FailoverResource(FailoverLoop loop, Policy policy, Caller caller, EventPublisher publisher,
            LeaderForwarding forwarding) {
        this.loop = loop;
        this.policy = policy;
        this.caller = caller;
        this.publisher = publisher;
        this.forwarding = forwarding;
    }

    @GET
    @Path("state")
    @Allowed(Role.VIEWER)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "viewer")
    public Response state() {
        DrState s = loop.current().orElse(null);
        if (s == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "no DR state read yet (" + loop.lastReason() + ")");
        }
        Map<String, String> verdicts = new TreeMap<>();
        loop.observations().verdicts().forEach((site, v) -> verdicts.put(site, v.verdict()
                + (v.evidence() == null ? "" : " (" + Words.evidence(v.evidence()) + ")") + " since " + v.since()));
        List<io.lifeboat.events.ReplicationLag> lags = new ArrayList<>(loop.observations().lags().values());
        lags.sort(java.util.Comparator.comparing(io.lifeboat.events.ReplicationLag::linkId));
        return Response.ok(new StateView(s.stateId(), s.activeSite(), s.standbySite(), s.epoch(), s.phase(), s.reason(),
                loop.lastReason(), policy.mode().name().toLowerCase(), leader(s), loop.self(), loop.isLeader(),
                s.updatedAt(), s.pending(), s.run(), s.lastRun(), verdicts, lags, s.unfenced(), s.paused())).build();
    }

    @GET
    @Path("history")
    @Allowed(Role.VIEWER)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "viewer")
    public List<HistoryEntry> history() {
        List<HistoryEntry> history = new ArrayList<>(loop.current().map(DrState::history).orElse(List.of()));
        Collections.reverse(history);
        return history;
    }

    @POST
    @Path("failover")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response failover(ActionRequest body) {
        return act("failover", body, (s, obs, cx, op) -> FailoverRules.requestFailover(s, obs, op.actor(), op.role(),
                op.reason(), op.forced(), cx));
    }

    @POST
    @Path("approve")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response approve(ActionRequest body) {
        return act("approve", body, (s, obs, cx, op) -> FailoverRules.approve(s, obs, op.actor(), op.role(), op.reason(), cx));
    }

    @POST
    @Path("abort")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response abort(ActionRequest body) {
        return act("abort", body, (s, obs, cx, op) -> FailoverRules.abort(s, op.actor(), op.role(), op.reason(), cx));
    }

    @POST
    @Path("failback")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response failback(ActionRequest body) {
        return act("failback", body, (s, obs, cx, op) -> FailoverRules.requestFailback(s, obs, op.actor(), op.role(),
                op.reason(), op.forced(), cx));
    }

    @POST
    @Path("steps/{n}/retry")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response retry(@PathParam("n") int step, ActionRequest body) {
        return act("retry step " + step, body, (s, obs, cx, op) -> FailoverRules.retryStep(s, step, op.actor(),
                op.role(), op.reason(), cx));
    }

    @POST
    @Path("steps/{n}/skip")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response skip(@PathParam("n") int step, ActionRequest body) {
        return act("skip step " + step, body, (s, obs, cx, op) -> FailoverRules.skipStep(s, step, op.actor(),
                op.role(), op.reason(), cx));
    }

    @POST
    @Path("pause")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response pause(ActionRequest body) {
        return act("pause", body, (s, obs, cx, op) -> MaintenanceMode.pause(s, op.actor(), op.role(), op.reason(), cx));
    }

    @POST
    @Path("resume")
    @Allowed(Role.OPERATOR)
    @SecurityRequirement(name = ApiTokens.OPENAPI_SCHEME, scopes = "operator")
    public Response resume(ActionRequest body) {
        return act("resume", body, (s, obs, cx, op) -> MaintenanceMode.resume(s, op.actor(), op.role(), op.reason(),
                cx));
    }

    /** Who asked, in which role, and what they sent: taken on the request's thread, used on the loop's. */
    private record Operator(String actor, String role, String reason, boolean forced) {
    }

    private interface OperatorAction {
        Transition apply(DrState state, Observations observations, Context context, Operator operator);
    }

    private Response act(String what, ActionRequest request, OperatorAction action) {
        ActionRequest body = request == null ? new ActionRequest(null, null) : request;
        Operator operator = new Operator(caller.actor(), caller.role(), body.reason(), body.forced());
        return act(what, body, (s, obs, cx) -> action.apply(s, obs, cx, operator));
    }

    /** Every action's answer says which instance decided it. */
    private Response act(String what, ActionRequest body, FailoverLoop.Action action) {
        Response answer = decide(what, body, action);
        return answer.getHeaderString(LeaderForwarding.ANSWERED_BY) != null ? answer
                : Response.fromResponse(answer).header(LeaderForwarding.ANSWERED_BY, loop.instanceId()).build();
    }

    private Response decide(String what, ActionRequest body, FailoverLoop.Action action) {
        String actor = caller.actor();
        if (body.reason() == null || body.reason().isBlank()) {
            audit(what, actor, body, "refused: a reason is required");
            return error(Response.Status.BAD_REQUEST, "a reason is required: {\"reason\": \"...\"}");
        }
        try {
            Transition t = loop.submit(what, action).get(30, TimeUnit.SECONDS);
            DrState s = t.next();
            return Response.accepted(new ActionResult(t.reason(), s.phase(), s.epoch(), s.activeSite(), s.runId())).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NotLeader) {
                // The leader decides and audits; a 503 from here (no leader reachable) is audited here.
                Response forwarded = forwarding.forward(pathAndQuery(), body, headers, cause.getMessage());
                if (forwarded.getStatus() == Response.Status.SERVICE_UNAVAILABLE.getStatusCode()
                        && forwarded.getHeaderString(LeaderForwarding.ANSWERED_BY) == null) {
                    audit(what, actor, body, "refused: " + ((Map<?, ?>) forwarded.getEntity()).get("error"));
                }
                return forwarded;
            }
            audit(what, actor, body, "refused: " + cause.getMessage());
            if (cause instanceof Refused) {
                return error(Response.Status.CONFLICT, cause.getMessage());
            }
            if (cause instanceof IllegalArgumentException) {
                return error(Response.Status.BAD_REQUEST, cause.getMessage());
            }
            LOG.warnf(cause, "%s by %s failed", what, actor);
            return error(Response.Status.INTERNAL_SERVER_ERROR, what + " failed: " + cause.getMessage());
        } catch (TimeoutException e) {
            audit(what, actor, body, "no answer from the control loop within 30 s");
            return error(Response.Status.GATEWAY_TIMEOUT, "the control loop did not take the request within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(Response.Status.SERVICE_UNAVAILABLE, "interrupted");
        }
    }

    /** Refused actions are audited here; accepted ones by the leader, in the transaction with their effects. */
    private void audit(String what, String actor, ActionRequest body, String result) {
        try {
            publisher.publishAndAwait(EventTypes.OPERATOR_ACTED, new OperatorActed(actor, caller.role(), what,
                    policy.stateId(), body.reason() == null ? "(none given)" : body.reason(), result,
                    "failover-service", Instant.now()));
        } catch (RuntimeException e) {
            LOG.warnf("could not audit %s by %s: %s", what, actor, e.getMessage());
        }
    }

    /** The instance that leads now, as it announced itself; the state's writer before any announcement. */
    private String leader(DrState s) {
        return loop.leaderAnnounced().map(io.lifeboat.events.FailoverLeader::leader).orElse(s.leader());
    }

    private String pathAndQuery() {
        URI request = uri.getRequestUri();
        return request.getRawPath() + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery());
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
