package dev.herald.ws;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.herald.delivery.DeliveryService;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * On SIGTERM, closes every socket with 1001 (going away) after what was already queued has been written, and
 * refuses new upgrades, so clients reconnect — to this instance when it is back, or to another.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    private static final CloseReason GOING_AWAY = new CloseReason(1001, "server shutting down");

    private final OpenConnections connections;
    private final DeliveryService delivery;
    private volatile boolean draining;

    GracefulShutdown(OpenConnections connections, DeliveryService delivery) {
        this.delivery = delivery;
        this.connections = connections;
    }

    /** True once shutdown has begun: new upgrades are refused with 503. */
    public boolean draining() {
        return draining;
    }

    /** The shutdown delay begins before Quarkus stops the HTTP server, which would close sockets with 1000. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        closeAll();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        closeAll();
    }

    private void closeAll() {
        draining = true;
        // Nothing more is acknowledged, and what was is in the recipients' queues before their sockets close.
        delivery.drain(Duration.ofSeconds(1));
        Collection<WebSocketConnection> open = connections.listAll();
        if (open.isEmpty()) {
            return;
        }
        LOG.infof("shutting down: closing %d sockets with 1001", open.size());
        List<Uni<Void>> closes = open.stream().map(c -> c.close(GOING_AWAY).onFailure().recoverWithNull()).toList();
        try {
            Uni.join().all(closes).andCollectFailures().await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("not every socket closed cleanly within 5 s: %s", e.getMessage());
        }
    }
}
