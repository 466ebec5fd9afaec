package dev.herald.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpServerRequest;

/**
 * The Origin allow-list of seed 004's {@code AllowedHostsOriginValidator}, for every way a browser reaches Herald (the
 * WebSocket upgrade, the event stream, {@code POST /api/frames}). {@code herald.origins}: {@code *} allows any;
 * {@code self} allows a page served by this host; otherwise a comma-separated list of origins. Requests without an
 * Origin (not browsers) pass.
 */
@Singleton
public class AllowedOrigins {

    private final List<String> allowed;

    AllowedOrigins(SecurityConfig config) {
        this.allowed = config.origins().stream().map(String::trim).map(AllowedOrigins::normalise).toList();
    }

    /** Whether the request's page (its Origin header) may use Herald. */
    public boolean allows(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || allowed.contains("*") || allowed.contains(normalise(origin))) {
            return true;
        }
        return allowed.contains("self") && isSelf(origin, request);
    }

    /**
     * Whether the page's origin is this server as the request reached it: same scheme (a page over https is not
     * this http server; behind a TLS proxy, quarkus.http.proxy.* makes the request's scheme the forwarded one), same
     * host and port (default ports made explicit), and nothing else (no user info, path, query or fragment).
     */
    private static boolean isSelf(String origin, HttpServerRequest request) {
        String host = request.getHeader("Host");
        if (host == null) {
            return false;
        }
        try {
            URI page = new URI(origin);
            URI self = new URI(request.scheme() + "://" + host);
            return page.getScheme() != null && page.getScheme().equalsIgnoreCase(self.getScheme())
                    && page.getRawUserInfo() == null && self.getRawUserInfo() == null
                    && (page.getRawPath() == null || page.getRawPath().isEmpty())
                    && page.getRawQuery() == null && page.getRawFragment() == null
                    && page.getHost() != null && page.getHost().equalsIgnoreCase(self.getHost())
                    && port(page) == port(self);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String normalise(String origin) {
        String o = origin.toLowerCase();
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
