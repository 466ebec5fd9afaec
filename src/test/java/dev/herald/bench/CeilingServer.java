package dev.herald.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The ceiling: a bare Vert.x WebSocket server that speaks the subset of Herald's protocol the
 * benchmark uses (welcome, join+ack, send to room, send to user, broadcast) and does nothing else:
 * no ids per user, no history, no presence, no limits, no validation beyond parsing JSON. Like Herald,
 * it writes a message to every recipient from the event loop that received it (Vert.x hands writes
 * to sockets of the other event loops over, coalescing their flushes under load); the frame is
 * serialised and UTF-8 encoded once, and the same bytes go to every socket (Herald cannot do that:
 * each recipient's frame carries the id of their own stream).
 *
 * <p>Not a test. Run: {@code java -cp <test classpath> dev.herald.bench.CeilingServer [port] [eventLoops]}.
 */
public final class CeilingServer extends AbstractVerticle {
    private static final Pattern PATH = Pattern.compile("^/ws/([A-Za-z0-9_.-]{1,64})/?$");
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong CONN_IDS = new AtomicLong();
    private static final Map<String, Set<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
    private static final Map<String, Set<ServerWebSocket>> USERS = new ConcurrentHashMap<>();
    private static final Set<ServerWebSocket> ALL = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws Exception {
        // Plain java.util.logging at INFO: through slf4j on the test classpath, Netty's and Vert.x's trace and
        // debug calls were formatted and then dropped, 9 % of this server's CPU in JFR.
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        System.setProperty("ceiling.port", Integer.toString(port));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        CountDownLatch started = new CountDownLatch(1);
        int p = port;
        vertx.deployVerticle(CeilingServer::new, new DeploymentOptions().setInstances(loops))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ar.cause().printStackTrace();
                        System.exit(1);
                    }
                    System.out.println("ceiling listening on 127.0.0.1:" + p + " with " + loops + " event loops");
                    started.countDown();
                });
        if (!started.await(30, TimeUnit.SECONDS)) {
            System.exit(2);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().toCompletionStage().toCompletableFuture().join()));
    }

    @Override
    public void start(io.vertx.core.Promise<Void> startPromise) {
        int port = Integer.getInteger("ceiling.port", 8081);
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(1 << 20)
                        .setTcpNoDelay(true).setAcceptBacklog(4096))
                .webSocketHandler(this::onSocket)
                .requestHandler(req -> req.response().setStatusCode(404).end())
                .listen()
                .<Void>mapEmpty()
                .onComplete(startPromise);
    }

    @SuppressWarnings("deprecation") // reject(int) is the simplest 400 at the upgrade in Vert.x 4
    private void onSocket(ServerWebSocket ws) {
        var m = PATH.matcher(ws.path());
        if (!m.matches()) {
            ws.reject(400);
            return;
        }
        String user = m.group(1);
        long connId = CONN_IDS.incrementAndGet();
        ALL.add(ws);
        USERS.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(ws);
        ws.closeHandler(v -> {
            ALL.remove(ws);
            Set<ServerWebSocket> l = USERS.get(user);
            if (l != null) {
                l.remove(ws);
            }
            for (Set<ServerWebSocket> r : ROOMS.values()) {
                r.remove(ws);
            }
        });
        // ?echo=false, as herald.js connects: what this socket sends is not written back to it, its ack carries it
        ServerWebSocket self = ws.query() != null && ws.query().contains("echo=false") ? ws : null;
        ws.textMessageHandler(txt -> onText(ws, user, txt, self));
        ws.writeFinalTextFrame(new JsonObject().put("type", "welcome").put("user", user)
                .put("connectionId", Long.toString(connId)).put("lastId", IDS.get()).encode());
    }

    private void onText(ServerWebSocket ws, String user, String txt, ServerWebSocket self) {
        JsonObject in;
        try {
            in = new JsonObject(txt);
        } catch (RuntimeException e) {
            ws.writeFinalTextFrame("{\"type\":\"error\",\"code\":\"bad_json\",\"message\":\"malformed JSON\"}");
            return;
        }
        String type = in.getString("type", in.containsKey("to_user") ? "send" : "");
        Object ref = in.getValue("ref");
        JsonObject sent = null; // the message this frame sent, for the ack of a socket without echo
        switch (type) {
            case "join" -> ROOMS.computeIfAbsent(in.getString("room", ""), k -> ConcurrentHashMap.newKeySet()).add(ws);
            case "leave" -> {
                Set<ServerWebSocket> r = ROOMS.get(in.getString("room", ""));
                if (r != null) {
                    r.remove(ws);
                }
            }
            case "send" -> {
                String text = in.getString("text", in.getString("message", ""));
                String room = in.getString("room");
                String to = in.getString("to", in.getString("to_user"));
                JsonObject out = new JsonObject().put("type", "message").put("id", IDS.incrementAndGet())
                        .put("from", user);
                sent = out;
                if (room != null) {
                    out.put("room", room).put("text", text).put("kind", "room").put("sentAt", Instant.now().toString());
                    writeAll(ROOMS.get(room), out.encode(), self);
                } else if (to != null) {
                    out.put("to", to).put("text", text).put("kind", "direct").put("sentAt", Instant.now().toString());
                    String frame = out.encode();
                    // the recipient's connections and (like Herald) the sender's own connections
                    writeAll(USERS.get(to), frame, self);
                    if (!to.equals(user)) {
                        writeAll(USERS.get(user), frame, self);
                    }
                } else {
                    ws.writeFinalTextFrame("{\"type\":\"error\",\"code\":\"missing_field\",\"message\":\"to or room\"}");
                    return;
                }
            }
            case "broadcast" -> {
                sent = new JsonObject().put("type", "message").put("id", IDS.incrementAndGet())
                        .put("from", user).put("text", in.getString("text", "")).put("kind", "broadcast")
                        .put("sentAt", Instant.now().toString());
                writeAll(ALL, sent.encode(), self);
            }
            default -> {
                ws.writeFinalTextFrame("{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"unknown type\"}");
                return;
            }
        }
        if (ref != null) {
            JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref);
            if (self != null && sent != null) {
                ack.put("id", sent.getLong("id")).put("message", sent);
            }
            ws.writeFinalTextFrame(ack.encode());
        }
    }

    /** The frame is UTF-8 encoded once and the same bytes go to every socket: nothing a server can skip. */
    private static void writeAll(Set<ServerWebSocket> sockets, String frame, ServerWebSocket except) {
        if (sockets != null) {
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            for (ServerWebSocket s : sockets) {
                if (s != except) {
                    s.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true));
                }
            }
        }
    }
}
