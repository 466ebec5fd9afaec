package dev.herald.auth;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * With authentication on, {@code /ws/{user}} opens only with a valid token whose subject is {@code user}: as
 * {@code ?token=} (what a browser can send) or an {@code Authorization: Bearer} header. Anything else: 401. The
 * token's expiry becomes the connection's {@link TokenLease}.
 */
@ApplicationScoped
public class TokenCheck implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(TokenCheck.class);

    private final Tokens tokens;

    TokenCheck(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return "chat".equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!tokens.enabled()) {
            return CheckResult.permitUpgrade();
        }
        String user = context.pathParam("user");
        JsonWebToken jwt = tokens.verifyFor(Tokens.fromRequest(context.httpRequest()), user).orElse(null);
        if (jwt == null) {
            LOG.infof("refused upgrade for %s: missing, invalid or foreign token", user);
            return CheckResult.rejectUpgrade(401);
        }
        // The socket lives until the token expires, unless an auth frame renews it (see ws.ExpiredTokens).
        context.userData().put(TokenLease.KEY, tokens.lease(jwt));
        return CheckResult.permitUpgrade();
    }
}
