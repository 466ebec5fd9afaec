package dev.herald.support;


import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** A real WebSocket client for tests: records every frame it receives and waits on conditions, never sleeps. */
public final class TestSocket implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    /** Vert.x allows 50 sockets per server by default: tests of many clients need more. */
    private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions().setMaxConnections(20_000));
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final List<String> raw = new CopyOnWriteArrayList<>();
    private final AtomicInteger closeCode = new AtomicInteger(-1);

    private TestSocket(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(raw::add);
        socket.closeHandler(v -> closeCode.set(socket.closeStatusCode() == null ? 1006 : socket.closeStatusCode()));
    }

    private static org.awaitility.core.ConditionFactory waiting() {
        return FrameWait.waiting();
    }

    /** Opens {@code path} (with its query) on the server at {@code base}, e.g. {@code /ws/alice?since=3}. */
    public static TestSocket open(URI base, String path) {
        return open(base, path, java.util.Map.of());
    }

    /** Opens {@code path} with extra upgrade request headers (Origin, Authorization). */
    public static TestSocket open(URI base, String path, java.util.Map<String, String> headers) {
        try {
            // Connect from a Vert.x context: the socket is bound to it, so the handlers are attached on the same
            // thread that will deliver its first frame, and no early frame is missed.
            io.vertx.core.Promise<TestSocket> opened = io.vertx.core.Promise.promise();
            VERTX.getOrCreateContext().runOnContext(v -> connect(base, path, headers).map(TestSocket::new).onComplete(opened));
            return opened.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not open " + path, e);
        }
    }

    /** Attempts an upgrade that should be refused; returns the HTTP status it got. */
    public static int rejectedStatus(URI base, String path) {
        return rejectedStatus(base, path, java.util.Map.of());
    }

    public static int rejectedStatus(URI base, String path, java.util.Map<String, String> headers) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        connect(base, path, headers).onComplete(ar -> failure.set(ar.failed() ? ar.cause() : new AssertionError("upgraded")));
        waiting().atMost(TIMEOUT).until(() -> failure.get() != null);
        if (failure.get() instanceof UpgradeRejectedException rejected) {
            return rejected.getStatus();
        }
        throw new AssertionError("expected the upgrade to be refused, got " + failure.get());
    }

    private static io.vertx.core.Future<WebSocket> connect(URI base, String path, java.util.Map<String, String> headers) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(base.getHost()).setPort(base.getPort()).setURI(path);
        headers.forEach(options::addHeader);
        return CLIENT.connect(options);
    }

    /** Opens {@code /ws/{user}} and waits for its welcome. */
    public static TestSocket user(URI base, String user) {
        TestSocket s = open(base, "/ws/" + user);
        s.awaitType("welcome");
        return s;
    }

    public void send(String text) {
        socket.writeTextMessage(text);
    }

    public void send(JsonObject frame) {
        send(frame.encode());
    }

    /**
     * Sends {@code count} direct messages of {@code text} to {@code to} in chunks of 100, waiting after each chunk for
     * this socket's own copy of its last message: a flood from a socket that keeps reading its copies, so only the
     * recipient can fall behind (a socket that floods without reading is a slow consumer of its own copies).
     */
    public void floodDirect(String to, String text, int count) {
        for (int sent = 0; sent < count; sent += 100) {
            int chunk = Math.min(100, count - sent);
            for (int i = 1; i < chunk; i++) {
                send(new JsonObject().put("type", "send").put("to", to).put("text", text));
            }
            String mark = "#" + sent + " " + text;
            send(new JsonObject().put("type", "send").put("to", to).put("text", mark));
            String needle = "\"text\":\"" + mark + "\"";
            FrameWait.waiting().atMost(TIMEOUT).alias("own copy of message #" + sent).until(() -> {
                for (int i = raw.size() - 1; i >= 0; i--) {
                    if (raw.get(i).contains(needle)) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    public void sendBinary(byte[] data) {
        socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(data));
    }

    public List<JsonObject> frames() {
        return raw.stream().map(JsonObject::new).toList();
    }

    public List<String> rawFrames() {
        return List.copyOf(raw);
    }

    public List<JsonObject> ofType(String type) {
        return frames().stream().filter(f -> type.equals(f.getString("type"))).toList();
    }

    public List<JsonObject> messages() {
        return ofType("message");
    }

    /** Waits for the first frame that matches and returns it. */
    public JsonObject await(Predicate<JsonObject> condition) {
        return FrameWait.first(this::frames, condition, TIMEOUT, "frame on " + raw);
    }

    public JsonObject awaitType(String type) {
        return await(f -> type.equals(f.getString("type")));
    }

    /** Waits for a message frame with this text. */
    public JsonObject awaitText(String text) {
        return await(f -> "message".equals(f.getString("type")) && text.equals(f.getString("text")));
    }

    /** Waits until exactly {@code n} message frames have arrived. */
    public List<JsonObject> awaitMessages(int n) {
        return awaitMessages(n, TIMEOUT);
    }

    /** Waits, at most {@code atMost}, until exactly {@code n} message frames have arrived. */
    public List<JsonObject> awaitMessages(int n, Duration atMost) {
        waiting().atMost(atMost).alias(n + " messages on " + raw.size() + " frames").until(() -> messages().size() >= n);
        return messages();
    }

    /** One presence change, whichever frame carried it: {@code {user, online}} alone, or one of a diff's joins/leaves. */
    public record PresenceEvent(String user, boolean online, String room) {
    }

    /** Every presence change received so far, in order (a diff frame's joins, then its leaves). */
    public List<PresenceEvent> presence() {
        List<PresenceEvent> events = new java.util.ArrayList<>();
        for (JsonObject f : ofType("presence")) {
            String room = f.getString("room");
            if (f.containsKey("user")) {
                events.add(new PresenceEvent(f.getString("user"), f.getBoolean("online"), room));
            } else {
                f.getJsonArray("joins").forEach(u -> events.add(new PresenceEvent((String) u, true, room)));
                f.getJsonArray("leaves").forEach(u -> events.add(new PresenceEvent((String) u, false, room)));
            }
        }
        return events;
    }

    /** Waits until a presence change of {@code user} to {@code online} (outside any room) has arrived. */
    public void awaitPresence(String user, boolean online) {
        awaitPresence(user, online, null);
    }

    public void awaitPresence(String user, boolean online, String room) {
        PresenceEvent wanted = new PresenceEvent(user, online, room);
        waiting().atMost(TIMEOUT).alias("presence " + wanted + " on " + raw).until(() -> presence().contains(wanted));
    }

    public JsonObject awaitError(Object ref) {
        return await(f -> "error".equals(f.getString("type")) && ref.equals(f.getValue("ref")));
    }

    public int awaitClosed() {
        return awaitClosed(TIMEOUT);
    }

    /** Waits up to {@code atMost} for the server to close the socket; returns the close code. */
    public int awaitClosed(Duration atMost) {
        waiting().atMost(atMost).until(() -> closeCode.get() != -1);
        return closeCode.get();
    }

    public boolean isClosed() {
        return closeCode.get() != -1 || socket.isClosed();
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }

    /** Whether GET /api/users (on the server under test) lists the user as online. */
    public static boolean online(String user) {
        return Pages.all("/api/users?limit=1000").stream().anyMatch(u -> user.equals(u.get("user")));
    }

    /** A unique user name, so that tests sharing one server do not see each other. */
    public static String uniqueUser(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }
}
