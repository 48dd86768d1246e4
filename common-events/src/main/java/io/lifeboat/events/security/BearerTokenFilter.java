package io.lifeboat.events.security;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens with two roles on every method marked {@link Allowed}: 401 without a known token, 403 with a
 * token whose role is not enough. Tokens come from a Kubernetes secret (see {@code ApiConfig}); no identity provider.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    public static final String ACTOR_HEADER = "X-Lifeboat-Actor";

    @Context
    ResourceInfo resource;

    /** Looked up per request: the filter is built at static init, before runtime configuration exists. */
    @Inject
    jakarta.enterprise.inject.Instance<ApiTokens> tokensInstance;

    @Inject
    Caller caller;

    @Override
    public void filter(ContainerRequestContext request) {
        Allowed allowed = Optional.ofNullable(resource.getResourceMethod().getAnnotation(Allowed.class))
                .orElse(resource.getResourceClass().getAnnotation(Allowed.class));
        if (allowed == null) {
            return;
        }
        ApiTokens tokens = tokensInstance.get();
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.abortWith(refusal(Response.Status.UNAUTHORIZED, "a bearer token is required (Authorization: Bearer <token>)"));
            return;
        }
        String token = header.substring(7).trim();
        Optional<Role> role = tokens.roleOf(token);
        if (role.isEmpty()) {
            request.abortWith(refusal(Response.Status.UNAUTHORIZED, tokens.isEmpty()
                    ? "no API tokens are configured (LIFEBOAT_API_VIEWER_TOKENS, LIFEBOAT_API_OPERATOR_TOKENS)"
                    : "unknown token"));
            return;
        }
        String name = request.getHeaderString(ACTOR_HEADER);
        String who = ApiTokens.fingerprint(token);
        String actor = name == null || name.isBlank() ? who : clean(name) + " (" + who + ")";
        if (!role.get().allows(allowed.value())) {
            request.abortWith(refusal(Response.Status.FORBIDDEN, "role " + role.get().label() + " may not do this; "
                    + allowed.value().label() + " needed"));
            return;
        }
        caller.set(actor, role.get());
    }

    private static String clean(String name) {
        String trimmed = name.trim();
        return trimmed.replaceAll("[^\\p{Alnum}._@ -]", "").substring(0, Math.min(64, trimmed.length()));
    }

    private static Response refusal(Response.Status status, String message) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message));
        if (status == Response.Status.UNAUTHORIZED) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lifeboat\"");
        }
        return builder.build();
    }
}
