package dev.herald.auth;

import java.net.URI;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * The Origin allow-list of seed 004's {@code AllowedHostsOriginValidator}: a browser page from another origin
 * cannot open a socket (403). {@code herald.origins}: {@code *} allows any; {@code self} allows a page served by
 * this host; otherwise a comma-separated list of origins. Clients that send no Origin (not browsers) pass.
 */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(OriginCheck.class);

    private final List<String> allowed;

    OriginCheck(SecurityConfig config) {
        this.allowed = config.origins().stream().map(String::trim).map(OriginCheck::normalise).toList();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String origin = context.httpRequest().getHeader("Origin");
        if (origin == null || allowed.contains("*") || allowed.contains(normalise(origin))) {
            return CheckResult.permitUpgrade();
        }
        if (allowed.contains("self") && sameHost(origin, context.httpRequest().getHeader("Host"))) {
            return CheckResult.permitUpgrade();
        }
        LOG.infof("refused upgrade of %s from origin %s", context.httpRequest().path(), origin);
        return CheckResult.rejectUpgrade(403);
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalise(String origin) {
        String o = origin.toLowerCase();
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
