package dev.herald.support;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;


import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * A real Server-Sent Events client for tests ({@code GET /sse/{user}} over Vert.x' HTTP client): parses the stream
 * as a browser's EventSource does (events with {@code id:} and {@code data:}, comment lines), records everything,
 * and waits on conditions, never sleeps. Also sends frames as {@code POST /api/frames} with its connection id.
 */
public final class EventStream implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final HttpClient CLIENT = VERTX.createHttpClient(new HttpClientOptions().setMaxPoolSize(2_000)
            .setKeepAlive(false).setIdleTimeout(0));
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One event: its {@code id:} (null without one), its {@code event:} field (null without one) and data. */
    public record Event(String id, String type, String data) {
        public JsonObject frame() {
            return new JsonObject(data);
        }
    }

    /** An HTTP answer: status, headers and body. */
    public record Answer(int status, MultiMap headers, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final URI base;
    private final HttpClientResponse response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    // Parser state: only touched on the response's event loop.
    private Buffer pending = Buffer.buffer();
    private String id;
    private String type;
    private StringBuilder data;

    private EventStream(URI base, HttpClientResponse response) {
        this.base = base;
        this.response = response;
        response.handler(this::chunk);
        response.endHandler(v -> ended.set(true));
        response.exceptionHandler(e -> ended.set(true));
        response.request().connection().closeHandler(v -> ended.set(true));
    }

    /** Opens {@code path} (e.g. {@code /sse/alice?since=3}); fails unless the server answers 200. */
    public static EventStream open(URI base, String path) {
        return open(base, path, Map.of());
    }

    public static EventStream open(URI base, String path, Map<String, String> headers) {
        AtomicReference<Object> result = new AtomicReference<>();
        request(base, path, headers, response -> {
            if (response.statusCode() != 200) {
                response.body().onComplete(body -> result.set(new AssertionError("GET " + path + ": "
                        + response.statusCode() + " " + (body.succeeded() ? body.result() : ""))));
            } else {
                result.set(new EventStream(base, response)); // its handlers are set before the first chunk
            }
            return Future.succeededFuture();
        }).onFailure(result::set);
        waiting().atMost(TIMEOUT).until(() -> result.get() != null);
        if (result.get() instanceof EventStream stream) {
            return stream;
        }
        throw new AssertionError("could not open " + path, (Throwable) result.get());
    }

    /** Opens {@code /sse/{user}} and waits for its welcome. */
    public static EventStream user(URI base, String user) {
        EventStream s = open(base, "/sse/" + user);
        s.awaitType("welcome");
        return s;
    }

    /** A GET that should be refused: its status and body. */
    public static Answer refused(URI base, String path, Map<String, String> headers) {
        Answer answer = get(request(base, path, headers, EventStream::read));
        if (answer.status() == 200) {
            throw new AssertionError("expected " + path + " to be refused, it opened");
        }
        return answer;
    }

    public static Answer refused(URI base, String path) {
        return refused(base, path, Map.of());
    }

    /** {@code POST /api/frames} with these headers and body. */
    public static Answer post(URI base, Map<String, String> headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                .setPort(base.getPort()).setURI("/api/frames");
        headers.forEach(options::putHeader);
        return get(CLIENT.request(options).compose(r -> r.send(body).compose(EventStream::read)));
    }

    /** Sends one frame as this stream's connection. */
    public Answer post(String frame) {
        return post(frame, Map.of());
    }

    public Answer post(JsonObject frame) {
        return post(frame.encode());
    }

    public Answer post(String frame, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.putIfAbsent("Herald-Connection", connectionId());
        all.putIfAbsent("Content-Type", "application/json");
        return post(base, all, Buffer.buffer(frame));
    }

    /**
     * Opens an event stream over a plain socket with a small receive window and never reads it: a client that has
     * stopped reading (or a dead one). Returns once the response head says 200.
     */
    public static java.net.Socket silent(URI base, String path) throws java.io.IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4096); // a small window, so an unread backlog builds up on the server
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAccept: text/event-stream\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.IOException("closed before the response head: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            throw new java.io.IOException("refused: " + head);
        }
        return socket;
    }

    /** Reads what a silent client left unread until the server closes the connection; returns how many bytes. */
    public static long readToEnd(java.net.Socket socket) throws java.io.IOException {
        socket.setSoTimeout((int) Duration.ofSeconds(15).toMillis());
        return socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    }

    /** A GET whose response goes to {@code then} as it arrives (so no chunk passes before a handler is set). */
    private static <T> Future<T> request(URI base, String path, Map<String, String> headers,
            java.util.function.Function<HttpClientResponse, Future<T>> then) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost())
                .setPort(base.getPort()).setURI(path).putHeader("Accept", "text/event-stream");
        headers.forEach(options::putHeader);
        return CLIENT.request(options).compose(r -> r.send().compose(then));
    }

    /** Reads the body: called as the response arrives, on its event loop, or the body could pass unread. */
    private static Future<Answer> read(HttpClientResponse r) {
        return r.body().map(b -> new Answer(r.statusCode(), r.headers(), b.toString(StandardCharsets.UTF_8)));
    }

    private static Answer get(Future<Answer> answered) {
        try {
            return answered.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request failed", e);
        }
    }

    private void chunk(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(start, end, "UTF-8"));
                start = i + 1;
            }
        }
        pending = pending.getBuffer(start, pending.length());
    }

    /** The EventSource parsing rules, for the fields Herald uses. */
    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                events.add(new Event(id, type, data.toString()));
            }
            id = null;
            type = null;
            data = null;
        } else if (line.startsWith(":")) {
            comments.add(line);
        } else {
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                }
            }
        }
    }

    public MultiMap headers() {
        return response.headers();
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    public List<JsonObject> frames() {
        List<JsonObject> frames = new ArrayList<>();
        for (Event e : events) {
            frames.add(e.frame());
        }
        return frames;
    }

    public List<JsonObject> ofType(String type) {
        return frames().stream().filter(f -> type.equals(f.getString("type"))).toList();
    }

    public List<JsonObject> messages() {
        return ofType("message");
    }

    public String connectionId() {
        return awaitType("welcome").getString("connectionId");
    }

    public JsonObject await(Predicate<JsonObject> condition) {
        return FrameWait.first(this::frames, condition, TIMEOUT, "event on " + events);
    }

    public JsonObject awaitType(String type) {
        return await(f -> type.equals(f.getString("type")));
    }

    public JsonObject awaitText(String text) {
        return await(f -> "message".equals(f.getString("type")) && text.equals(f.getString("text")));
    }

    /** Waits until at least {@code n} message frames have arrived and returns them all. */
    public List<JsonObject> awaitMessages(int n) {
        waiting().atMost(TIMEOUT).alias(n + " messages on " + events).until(() -> messages().size() >= n);
        return messages();
    }

    /** Waits for the server to end the stream. */
    public void awaitEnded(Duration atMost) {
        waiting().atMost(atMost).until(ended::get);
    }

    public boolean ended() {
        return ended.get();
    }

    @Override
    public void close() {
        response.request().connection().close();
    }

    private static org.awaitility.core.ConditionFactory waiting() {
        return FrameWait.waiting();
    }
}
