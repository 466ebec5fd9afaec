package dev.herald.ticker;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.Tick;
import dev.herald.connection.LimitsConfig;
import dev.herald.connection.PeerActivity;
import dev.herald.ws.IdleConnections;
import dev.herald.ws.VertxSockets;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPingMessage;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws/ticker}: the seed-000 demo. Pushes {@code {time, server_msg: "send N times!", client_msg}} every
 * interval, echoing the last text the client sent. {@code ?first=3s} sets the delay of the first push and
 * {@code ?once=true} stops after it (the seed's "one push 3 s after connect"). Who may connect is
 * {@link TickerAccess}'s business; once open, a connection has the same rate limit and idle timeout as
 * {@code /ws/{user}}.
 */
@WebSocket(path = TickerEndpoint.PATH, endpointId = TickerEndpoint.ID)
public class TickerEndpoint {

    /** Served as {@code /ws/ticker} through {@link TickerRoute}. */
    public static final String PATH = "/ticker";
    static final String ID = "ticker";
    /** The client's address, put there by {@link TickerAccess}. */
    static final TypedKey<String> ADDRESS = TypedKey.forString("herald.ticker.address");

    private static final Logger LOG = Logger.getLogger(TickerEndpoint.class);
    private static final TypedKey<TickerSession> SESSION = new TypedKey<>("herald.ticker");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy.MM.dd HH:mm:ss");

    private final Vertx vertx;
    private final TickerConfig config;
    private final FrameEncoder encoder;
    private final LimitsConfig limits;
    private final TickerClients clients;
    private final VertxSockets sockets;

    TickerEndpoint(Vertx vertx, TickerConfig config, FrameEncoder encoder, LimitsConfig limits, TickerClients clients,
            VertxSockets sockets) {
        this.vertx = vertx;
        this.config = config;
        this.encoder = encoder;
        this.limits = limits;
        this.clients = clients;
        this.sockets = sockets;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        String address = connection.userData().get(ADDRESS);
        if (address == null || !clients.tryOpen(address)) {
            // Past the limit between TickerAccess's check and now (concurrent upgrades).
            closeWith(connection, 1008, "too many ticker connections from this address");
            return;
        }
        String query = connection.handshakeRequest().query();
        Map<String, List<String>> params = new QueryStringDecoder(query == null ? "" : query, false).parameters();
        Duration first = delay(params.get("first"));
        boolean once = params.containsKey("once") && !"false".equals(params.get("once").get(0));
        TickerSession session = new TickerSession(address);
        connection.userData().put(SESSION, session);
        connection.userData().put(IdleConnections.PEER,
                new PeerActivity(limits, System.nanoTime(), (code, reason) -> closeWith(connection, code, reason)));
        LOG.infof("ticker opened %s from %s", connection.id(), address);
        long firstMillis = Math.max(1, first.toMillis());
        session.timerId = once
                ? vertx.setTimer(firstMillis, id -> push(connection, session))
                : vertx.setPeriodic(firstMillis, config.interval().toMillis(), id -> push(connection, session));
    }

    /** Accepts {@code 3s}, {@code 500ms} or a plain number of seconds; anything else means the default. */
    private Duration delay(List<String> values) {
        if (values == null || values.isEmpty()) {
            return config.firstDelay();
        }
        String v = values.get(0).trim().toLowerCase();
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1) : v) * 1000));
        } catch (NumberFormatException e) {
            LOG.debugf("ticker: ignoring first=%s", v);
            return config.firstDelay();
        }
    }

    private void push(WebSocketConnection connection, TickerSession session) {
        if (!connection.isOpen()) {
            vertx.cancelTimer(session.timerId);
            return;
        }
        String time = ZonedDateTime.now(ZoneId.systemDefault()).format(TIME);
        Tick tick = new Tick(time, "send " + session.sent.incrementAndGet() + " times!", session.lastClientText.get());
        connection.sendText(encoder.json(tick)).subscribe().with(ok -> {
        }, failure -> vertx.cancelTimer(session.timerId));
    }

    @OnTextMessage
    @NonBlocking
    void message(WebSocketConnection connection, String text) {
        TickerSession session = connection.userData().get(SESSION);
        if (session != null && admitted(connection)) {
            session.lastClientText.set(text);
        }
    }

    /** The ticker reads no binary frames, but they cost from the rate limit like any other. */
    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection connection, Buffer data) {
        admitted(connection);
    }

    /** Vert.x has answered the ping already; it still counts against the rate limit. */
    @OnPingMessage
    @NonBlocking
    void ping(WebSocketConnection connection, Buffer data) {
        admitted(connection);
    }

    @OnPongMessage
    @NonBlocking
    void pong(WebSocketConnection connection, Buffer data) {
        PeerActivity peer = connection.userData().get(IdleConnections.PEER);
        if (peer != null) {
            peer.heard(System.nanoTime());
        }
    }

    /** Whether this frame is within the rate limit; a sustained flood closes the connection with 1008. */
    private boolean admitted(WebSocketConnection connection) {
        PeerActivity peer = connection.userData().get(IdleConnections.PEER);
        if (peer == null) {
            return false;
        }
        PeerActivity.Verdict verdict = peer.frame(System.nanoTime());
        if (verdict == PeerActivity.Verdict.CLOSE) {
            LOG.infof("closing ticker %s: sustained flooding", connection.id());
            closeWith(connection, 1008, "rate limit exceeded");
            sockets.stopReading(connection);
        }
        return verdict == PeerActivity.Verdict.PASS;
    }

    /** A malformed frame: the decoder has already sent the close frame with its status (1002, 1007, 1009). */
    @OnError
    void corruptFrame(WebSocketConnection connection, CorruptedWebSocketFrameException e) {
        LOG.infof("closing ticker %s: %s", connection.id(), e.getMessage());
    }

    /** Vert.x reports a message over max-message-size as an IllegalStateException: 1009, and no stack trace. */
    @OnError
    void failure(WebSocketConnection connection, IllegalStateException e) {
        boolean tooBig = e.getMessage() != null && e.getMessage().contains("max message size");
        LOG.infof("closing ticker %s: %s", connection.id(), e.getMessage());
        closeWith(connection, tooBig ? 1009 : 1011, tooBig ? "message too big" : "internal error");
    }

    /** The peer went away without a closing handshake (e.g. a TCP reset): nothing to do but note it. */
    @OnError
    void gone(WebSocketConnection connection, IOException e) {
        LOG.debugf("ticker %s: %s", connection.id(), e.getMessage());
    }

    private void closeWith(WebSocketConnection connection, int code, String reason) {
        connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
        }, failure -> LOG.debugf("close of ticker %s failed: %s", connection.id(), failure.getMessage()));
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        TickerSession session = connection.userData().get(SESSION);
        if (session != null) {
            vertx.cancelTimer(session.timerId);
            clients.closed(session.address);
            LOG.infof("ticker closed %s code %s", connection.id(),
                    connection.closeReason() == null ? "-" : connection.closeReason().getCode());
        }
    }
}
