package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.connection.LimitsConfig;
import dev.herald.connection.PeerActivity;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Drops dead peers on every endpoint. The server pings every connection ({@link Heartbeats}); a live client
 * answers with a pong, so a connection silent for longer than {@code herald.limits.idle-timeout} is gone and is
 * closed.
 */
@ApplicationScoped
public class IdleConnections {

    /** Where each endpoint keeps its peer's activity in the connection's user data. */
    public static final TypedKey<PeerActivity> PEER = new TypedKey<>("herald.peer");

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
        for (WebSocketConnection c : connections.listAll()) {
            PeerActivity peer = c.userData().get(PEER);
            if (peer != null && peer.silentForNanos(now) > idleNanos) {
                LOG.infof("dropping %s (%s): silent for more than %d ms", c.handshakeRequest().path(), c.id(),
                        idleNanos / 1_000_000);
                peer.close(1001, "idle timeout");
            }
        }
    }
}
