package dev.herald.sse;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.herald.auth.AllowedOrigins;
import dev.herald.auth.TokenLease;
import dev.herald.auth.Tokens;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionSlots;
import dev.herald.connection.LimitsConfig;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.MessageRules;
import io.netty.channel.ChannelPipeline;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /sse/{user}}: one event stream of a user, the fallback where a WebSocket cannot open. It is a
 * {@link Connection} like a socket: the same checks before it opens (name and {@code since} 400, Origin 403, token
 * 401, connection slots 429, shutting down 503), the same welcome, replay and live traffic through
 * {@link DeliveryService}, presence, limits and token expiry. Its frames in the other direction arrive as
 * {@code POST /api/frames} ({@link FramePosts}), which finds it here by its id.
 */
@ApplicationScoped
public class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);

    /** One open stream: its connection, and the slot it holds. */
    record Stream(Connection connection, ConnectionSlots.Slot slot, EventStreamTransport transport, long heartbeat) {
    }

    private final Map<String, Stream> open = new ConcurrentHashMap<>();
    private final DeliveryService delivery;
    private final ConnectionSlots slots;
    private final AllowedOrigins origins;
    private final Tokens tokens;
    private final LimitsConfig limits;
    private final SseConfig config;
    private final Vertx vertx;

    EventStreams(DeliveryService delivery, ConnectionSlots slots, AllowedOrigins origins, Tokens tokens,
            LimitsConfig limits, SseConfig config, Vertx vertx) {
        this.delivery = delivery;
        this.slots = slots;
        this.origins = origins;
        this.tokens = tokens;
        this.limits = limits;
        this.config = config;
        this.vertx = vertx;
    }

    /** Opens the stream, or answers why not. */
    void open(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String user = rc.pathParam("user");
        if (delivery.draining()) {
            refuse(rc, 503, "the server is shutting down: reconnect in a moment");
            return;
        }
        if (!MessageRules.isValidName(user)) {
            refuse(rc, 400, "the user name must match [A-Za-z0-9_.-]{1,64}");
            return;
        }
        Long since;
        boolean echo;
        try {
            since = since(request);
            echo = MessageRules.echo(request.getParam("echo"));
        } catch (IllegalArgumentException e) {
            refuse(rc, 400, e.getMessage());
            return;
        }
        if (!origins.allows(request)) {
            LOG.infof("refused event stream of %s from origin %s", user, request.getHeader("Origin"));
            refuse(rc, 403, "pages from this origin may not connect");
            return;
        }
        TokenLease lease = null;
        if (tokens.enabled()) {
            JsonWebToken jwt = tokens.verifyFor(Tokens.fromRequest(request), user).orElse(null);
            if (jwt == null) {
                LOG.infof("refused event stream for %s: missing, invalid or foreign token", user);
                refuse(rc, 401, "a valid token for " + user + " is required (?token= or Authorization: Bearer)");
                return;
            }
            lease = tokens.lease(jwt); // the stream lives until the token expires, unless an auth frame renews it
        }
        ConnectionSlots.Slot slot = slots.take(user);
        if (slot == null || !slots.claim(slot)) {
            refuse(rc, 429, "too many connections for " + user);
            return;
        }
        start(rc, user, since, echo, lease, slot);
    }

    /**
     * The resume point: {@code Last-Event-ID} (what the browser's own reconnect sends, newer than the URL it
     * reconnects to) or {@code ?since=} (a message id, or {@code read}: after the user's read cursor).
     */
    private static Long since(HttpServerRequest request) {
        String lastEventId = request.getHeader("Last-Event-ID");
        String since = lastEventId != null && !lastEventId.isBlank() ? lastEventId.trim() : request.getParam("since");
        return MessageRules.since(since);
    }

    private void start(RoutingContext rc, String user, Long since, boolean echo, TokenLease lease,
            ConnectionSlots.Slot slot) {
        HttpServerRequest request = rc.request();
        keepOpen(request);
        request.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx: pass events on as they come
        String id = UUID.randomUUID().toString();
        EventStreamTransport transport = new EventStreamTransport(user + " (" + id + ")", request, vertx,
                limits.outboundBacklog(), limits.outboundBacklogBytes().asLongValue(), limits.closingTimeout().toMillis());
        Connection c = new Connection(id, user, transport, limits, lease, System.nanoTime(), echo);
        long heartbeat = vertx.setPeriodic(config.heartbeat().toMillis(), t -> transport.heartbeat());
        Stream stream = new Stream(c, slot, transport, heartbeat);
        open.put(c.id(), stream);
        transport.onClosing(() -> delivery.disconnect(c));
        transport.onClosed(() -> closed(stream));
        LOG.infof("connect %s over SSE from %s", c, transport.remoteAddress());
        delivery.connect(c, since).whenComplete((replay, failure) -> {
            if (failure != null) {
                LOG.errorf(failure, "could not open %s", c);
                c.close(1011, "could not open the connection");
            }
        });
    }

    private void closed(Stream stream) {
        Connection c = stream.connection();
        open.remove(c.id(), stream);
        vertx.cancelTimer(stream.heartbeat());
        delivery.disconnect(c);
        slots.release(stream.slot());
        int code = stream.transport().closeCode();
        LOG.infof("disconnect %s over SSE code %s", c, code < 0 ? "-" : code);
    }

    /**
     * An event stream is an answer that does not end: the HTTP request timeout (herald.limits.request-timeout, Vert.x's
     * idle handler, which closes a connection that has written nothing for that long) would cut it between two
     * heartbeats. As for an upgraded WebSocket, the stream's own heartbeats and write failures govern it instead.
     */
    private static void keepOpen(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase connection) {
            ChannelPipeline pipeline = connection.channel().pipeline();
            if (pipeline.get("idle") != null) {
                pipeline.remove("idle");
            }
        }
    }

    private static void refuse(RoutingContext rc, int status, String why) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(status + " " + why + "\n");
    }

    /** The open stream with this connection id, or null. */
    Connection find(String connectionId) {
        Stream stream = connectionId == null ? null : open.get(connectionId);
        return stream == null ? null : stream.connection();
    }

    /** On SIGTERM, as for sockets: nothing more is acknowledged, what was is queued, then every stream ends. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        closeAll();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        closeAll();
    }

    private void closeAll() {
        delivery.drain(Duration.ofSeconds(1));
        if (!open.isEmpty()) {
            LOG.infof("shutting down: ending %d event streams", open.size());
            open.values().forEach(s -> s.connection().close(1001, "server shutting down"));
        }
    }
}
