package io.lifeboat.failover.rest;

import io.lifeboat.events.FailoverLeader;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.events.security.BearerTokenFilter;
import io.lifeboat.failover.FailoverLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One operator API behind one Service: an action that reaches an instance that does not lead is sent on to the
 * leader (where the newest leader announced its API on the state topic), with the caller's own token and name, and
 * the leader's answer goes back as it is. The leader authenticates, decides and audits; this instance only checked
 * the token first. A forwarded request is never forwarded again: while the leadership moves, the answer is 503.
 */
@ApplicationScoped
public class LeaderForwarding {

    /** Set on a forwarded request: the instance it came through. */
    public static final String FORWARDED_BY = "X-Lifeboat-Forwarded-By";
    /** Set on every action's answer: the instance that decided it (the leader). */
    public static final String ANSWERED_BY = "X-Lifeboat-Answered-By";
    /** The leader waits up to 30 s for its control loop; a little more for the hop. */
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    private final FailoverLoop loop;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    LeaderForwarding(FailoverLoop loop) {
        this.loop = loop;
    }

    /**
     * @param pathAndQuery the action's path with its query, as this instance received it
     * @return the leader's answer, or 503 with the reason when it cannot be reached
     */
    Response forward(String pathAndQuery, ActionRequest body, HttpHeaders headers, String notLeader) {
        if (headers.getHeaderString(FORWARDED_BY) != null) {
            return unavailable(notLeader + " (forwarded by " + clean(headers.getHeaderString(FORWARDED_BY))
                    + "; the leadership is moving: try again)");
        }
        Optional<FailoverLeader> leader = loop.leaderAnnounced()
                .filter(l -> !l.leader().equals(loop.instanceId()));
        if (leader.isEmpty()) {
            return unavailable(notLeader + "; no other leader has announced itself yet: try again");
        }
        String target = leader.get().apiUrl().replaceAll("/+$", "") + pathAndQuery;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(TIMEOUT)
                    .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                    .header(FORWARDED_BY, loop.instanceId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.mapper().writeValueAsBytes(body)));
            for (String name : new String[] {HttpHeaders.AUTHORIZATION, BearerTokenFilter.ACTOR_HEADER}) {
                String value = headers.getHeaderString(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder out = Response.status(answer.statusCode()).entity(answer.body());
            answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(t -> out.header(HttpHeaders.CONTENT_TYPE, t));
            answer.headers().firstValue(ANSWERED_BY).ifPresent(a -> out.header(ANSWERED_BY, a));
            return out.build();
        } catch (IOException | IllegalArgumentException e) {
            return unavailable(notLeader + "; the leader " + leader.get().leader() + " at " + leader.get().apiUrl()
                    + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted while forwarding to the leader");
        }
    }

    private static String clean(String value) {
        return value.replaceAll("[^\\p{Alnum}._/-]", "");
    }

    private static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build();
    }
}
