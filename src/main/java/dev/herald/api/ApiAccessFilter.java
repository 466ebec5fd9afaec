package dev.herald.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.herald.auth.Tokens;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;


/**
 * With authentication on, every call of the HTTP API needs {@code Authorization: Bearer <jwt>} (401 without a
 * valid one). Writes need the publisher group (403), except the demo job, which a user may start for themselves, and
 * the support desk (its resource knows visitors and agents; a visitor's sign-up needs no token);
 * reads are filtered by the resources through {@link ApiCaller}. Only the dev-mode token endpoint is open.
 */
public class ApiAccessFilter {

    private final Tokens tokens;
    private final ApiCaller caller;

    ApiAccessFilter(Tokens tokens, ApiCaller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @ServerRequestFilter
    public Response requireToken(ContainerRequestContext request, SimpleResourceInfo resource) {
        // Applies to every matched resource method, so no spelling of a path can get around it.
        if (!tokens.enabled() || resource.getResourceClass() == DevTokenResource.class || isOpenDeskCall(request)) {
            return null;
        }
        JsonWebToken jwt = tokens.verify(Tokens.fromBearerHeader(request.getHeaderString(HttpHeaders.AUTHORIZATION)))
                .orElse(null);
        if (jwt == null) {
            return Response.fromResponse(problem(401, "Unauthorized",
                    "a valid bearer token is required (Authorization: Bearer <jwt>)"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        boolean publisher = tokens.isPublisher(jwt);
        caller.identify(jwt.getSubject(), publisher);
        String method = request.getMethod();
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        String path = request.getUriInfo().getPath();
        // The demo job and the support desk check who may act themselves (the desk: visitors and agents).
        if (read || publisher || path.startsWith("/api/demo/") || path.startsWith("/api/desk/")) {
            return null;
        }
        return problem(403, "Forbidden", "this call needs a token with the publisher role");
    }

    /**
     * The support desk's calls that hand out tokens: a visitor has no account yet (limited per address), and the
     * dev-mode agent token (which, like DevTokenResource, answers only while herald.auth.dev-tokens is on).
     */
    private static boolean isOpenDeskCall(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        return "POST".equals(request.getMethod()) && "/api/desk/visitors".equals(path)
                || "GET".equals(request.getMethod()) && "/api/desk/dev/agent-token".equals(path);
    }

    private static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail, null)).build();
    }
}
