package dev.herald.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.herald.auth.Tokens;

/**
 * With authentication on, the HTTP API's write calls need a bearer token: a publisher's for messages and tasks;
 * for the demo job, any user's own token (the page starts it for its user). Reads stay open.
 */
public class PublisherFilter {

    private final Tokens tokens;

    PublisherFilter(Tokens tokens) {
        this.tokens = tokens;
    }

    @ServerRequestFilter
    public Response requireToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!tokens.enabled() || "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())
                || !path.startsWith("/api/")) {
            return null;
        }
        JsonWebToken jwt = tokens.verify(Tokens.fromBearerHeader(request.getHeaderString(HttpHeaders.AUTHORIZATION)))
                .orElse(null);
        if (jwt == null) {
            return problem(401, "Unauthorized", "a valid bearer token is required (Authorization: Bearer <jwt>)");
        }
        if (path.startsWith("/api/demo/") || tokens.isPublisher(jwt)) {
            return null;
        }
        return problem(403, "Forbidden", "this call needs a token with the publisher role");
    }

    private static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail, null)).build();
    }
}
