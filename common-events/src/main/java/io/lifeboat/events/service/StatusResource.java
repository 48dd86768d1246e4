package io.lifeboat.events.service;

import io.lifeboat.events.security.ApiTokens;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The identity of every Lifeboat service instance, the same on all four. It also carries the OpenAPI description of
 * the API's bearer tokens, because it is the one resource every service serves (the scheme is the same for all).
 */
@SecurityScheme(securitySchemeName = ApiTokens.OPENAPI_SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "opaque token (at least 16 characters)",
        description = "A viewer token (reads) or an operator token (reads and acts), from LIFEBOAT_API_VIEWER_TOKENS"
                + " and LIFEBOAT_API_OPERATOR_TOKENS (the Secret lifeboat-operator-tokens). An operation's security"
                + " requirement names the least role it needs. Optional header X-Lifeboat-Actor: who acts, for the"
                + " audit.")
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
