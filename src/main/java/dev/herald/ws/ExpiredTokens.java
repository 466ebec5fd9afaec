package dev.herald.ws;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.auth.TokenLease;
import dev.herald.auth.Tokens;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * With authentication on, a socket lives as long as its token: once the token's {@code exp} (plus the allowed clock
 * skew) has passed without an {@code auth} frame renewing it, the connection is closed with 1008.
 */
@ApplicationScoped
public class ExpiredTokens {

    private static final Logger LOG = Logger.getLogger(ExpiredTokens.class);

    private final OpenConnections connections;
    private final Tokens tokens;

    ExpiredTokens(OpenConnections connections, Tokens tokens) {
        this.connections = connections;
        this.tokens = tokens;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeExpired() {
        if (!tokens.enabled()) {
            return;
        }
        long now = Instant.now().getEpochSecond(); // the JWT library's clock, not the scheduling Clock bean
        for (WebSocketConnection c : connections.findByEndpointId(ChatEndpoint.ID)) {
            TokenLease lease = c.userData().get(TokenLease.KEY);
            ConnectionState state = c.userData().get(ChatEndpoint.STATE);
            if (lease != null && state != null && lease.endsNow(now, tokens.clockSkewSeconds())) {
                LOG.infof("closing %s (%s): token expired", lease.user(), c.id());
                state.subscriber.outbound().close(1008, "token expired");
            }
        }
    }
}
