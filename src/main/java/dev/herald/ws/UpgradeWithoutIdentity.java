package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.ext.web.Router;

/**
 * A WebSocket upgrade on {@code /ws/*} leaves Quarkus' lazy security identity behind before websockets-next takes the
 * request. Why: websockets-next keeps a {@code SecuritySupport} for every connection whose upgrade carried one, and
 * that holds the upgrade's whole routing context for the life of the socket (request and response objects, both
 * header maps, the captured context-propagation state of the lazy identity): about 3 KB of heap per idle socket.
 * Herald never asks Quarkus security who a socket is (its own {@code TokenCheck} verifies the token and
 * {@code TokenLease} keeps its expiry), so nothing reads it. Runs after the security filters, which have already
 * done their part for this request.
 */
@ApplicationScoped
public class UpgradeWithoutIdentity {

    void register(@Observes Router router) {
        // Quarkus filters run at order -priority: this comes right after authorization, before the endpoints' routes.
        router.route("/ws/*").order(1 - SecurityHandlerPriorities.AUTHORIZATION).handler(rc -> {
            if (rc.user() == null) {
                rc.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
            }
            rc.next();
        });
    }
}
