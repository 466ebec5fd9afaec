package dev.herald.ticker;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.auth.Tokens;
import dev.herald.ws.GracefulShutdown;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Who may open {@code /ws/ticker}: nobody while {@code herald.ticker.enabled} is false (404); with authentication
 * on, only a client with a valid token for any user (401 otherwise); and at most
 * {@code herald.ticker.connections-per-address} connections per client address (429).
 */
@ApplicationScoped
public class TickerAccess implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(TickerAccess.class);

    private final TickerConfig config;
    private final Tokens tokens;
    private final TickerClients clients;
    private final GracefulShutdown shutdown;

    TickerAccess(TickerConfig config, Tokens tokens, TickerClients clients, GracefulShutdown shutdown) {
        this.config = config;
        this.tokens = tokens;
        this.clients = clients;
        this.shutdown = shutdown;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return TickerEndpoint.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!config.enabled()) {
            return CheckResult.rejectUpgrade(404);
        }
        if (shutdown.draining()) {
            return CheckResult.rejectUpgrade(503);
        }
        String address = context.httpRequest().remoteAddress().hostAddress();
        if (tokens.enabled() && tokens.verify(Tokens.fromRequest(context.httpRequest())).isEmpty()) {
            LOG.infof("refused ticker upgrade from %s: missing or invalid token", address);
            return CheckResult.rejectUpgrade(401);
        }
        if (!clients.hasRoom(address)) {
            LOG.infof("refused ticker upgrade from %s: %d connections already open", address,
                    config.connectionsPerAddress());
            return CheckResult.rejectUpgrade(429);
        }
        context.userData().put(TickerEndpoint.ADDRESS, address);
        return CheckResult.permitUpgrade();
    }
}
