package dev.herald.auth;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/** A browser page from an origin {@link AllowedOrigins} does not allow cannot open a socket (403). */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(OriginCheck.class);

    private final AllowedOrigins origins;

    OriginCheck(AllowedOrigins origins) {
        this.origins = origins;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (origins.allows(context.httpRequest())) {
            return CheckResult.permitUpgrade();
        }
        LOG.infof("refused upgrade of %s from origin %s", context.httpRequest().path(),
                context.httpRequest().getHeader("Origin"));
        return CheckResult.rejectUpgrade(403);
    }
}
