package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.connection.Connection;
import dev.herald.connection.LimitsConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Drops dead peers. The server pings every connection ({@code auto-ping-interval}); a live client answers with a
 * pong, so a connection silent for longer than {@code herald.limits.idle-timeout} is gone and is closed.
 */
@ApplicationScoped
public class IdleConnections {

    private static final Logger LOG = Logger.getLogger(IdleConnections.class);

    private final OpenConnections connections;
    private final long idleNanos;

    IdleConnections(OpenConnections connections, LimitsConfig limits) {
        this.connections = connections;
        this.idleNanos = limits.idleTimeout().toNanos();
    }

    @Scheduled(every = "${herald.limits.idle-check:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropSilent() {
        long now = System.nanoTime();
        for (WebSocketConnection ws : connections.findByEndpointId(ChatEndpoint.ID)) {
            Connection c = ws.userData().get(ChatEndpoint.CONNECTION);
            if (c != null && c.silentForNanos(now) > idleNanos) {
                LOG.infof("dropping %s: silent for more than %d ms", c, idleNanos / 1_000_000);
                c.close(1001, "idle timeout");
            }
        }
    }
}
