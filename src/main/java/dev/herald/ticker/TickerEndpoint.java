package dev.herald.ticker;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.Tick;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * {@code /ws/ticker}: the seed-000 demo. Pushes {@code {time, server_msg: "send N times!", client_msg}} every
 * interval, echoing the last text the client sent. {@code ?first=3s} sets the delay of the first push and
 * {@code ?once=true} stops after it (the seed's "one push 3 s after connect").
 */
@WebSocket(path = TickerEndpoint.PATH)
public class TickerEndpoint {

    /** Served as {@code /ws/ticker} through {@code dev.herald.ws.PathAliases}. */
    public static final String PATH = "/ticker";

    private static final Logger LOG = Logger.getLogger(TickerEndpoint.class);
    private static final TypedKey<TickerSession> SESSION = new TypedKey<>("herald.ticker");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy.MM.dd HH:mm:ss");

    private final Vertx vertx;
    private final TickerConfig config;
    private final FrameEncoder encoder;

    TickerEndpoint(Vertx vertx, TickerConfig config, FrameEncoder encoder) {
        this.vertx = vertx;
        this.config = config;
        this.encoder = encoder;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        String query = connection.handshakeRequest().query();
        Map<String, List<String>> params = new QueryStringDecoder(query == null ? "" : query, false).parameters();
        Duration first = delay(params.get("first"));
        boolean once = params.containsKey("once") && !"false".equals(params.get("once").get(0));
        TickerSession session = new TickerSession();
        connection.userData().put(SESSION, session);
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
        if (session != null) {
            session.lastClientText.set(text);
        }
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        TickerSession session = connection.userData().get(SESSION);
        if (session != null) {
            vertx.cancelTimer(session.timerId);
        }
    }
}
