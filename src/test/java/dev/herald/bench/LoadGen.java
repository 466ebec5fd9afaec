package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleFunction;

/**
 * The load generator: a Vert.x WebSocket client (one event loop per core by default) that opens many
 * sockets to one peer and drives the benchmark scenarios. A peer of several nodes (Herald on Redis) gets
 * its sockets spread over the nodes' ports in turn: socket {@code i} goes to node {@code i % nodes}.
 *
 * <p>Latency: every measured message carries a marker {@code @@<tag><step>:<t>@@} in its text, where
 * {@code t} is the <em>intended</em> send time (System.nanoTime of this JVM) of a fixed-rate schedule.
 * Receivers compute {@code now - t}, so a publisher that falls behind (or a server that stalls it)
 * shows up as latency instead of silently lowering the offered rate (coordinated omission).
 * Received frames are scanned as bytes: no UTF-8 decoding or JSON parsing on the receive path.
 */
final class LoadGen implements AutoCloseable {

    /** What the peer speaks. */
    enum Dialect {
        /** Herald's protocol (also spoken by {@link CeilingServer}): join a room, send to room / user, broadcast. */
        HERALD,
        /** The seed article's Channels consumer: ws/<user>/, every socket in one broadcast group, {"to_user","message"}. */
        SEED
    }

    static final int NONE = 0;
    static final int PINGER = 1;
    static final int RESPONDER = 2;
    static final String ROOM = System.getProperty("bench.room", "bench");
    static final String PAD = " " + "x".repeat(Integer.getInteger("bench.pad", 40));

    final Vertx vertx;
    final WebSocketClient client;
    final Dialect dialect;
    final String host = "127.0.0.1";
    /** The peer's ports, one per node; HTTP (scheduling) and the publisher's probe use the first. */
    final int[] ports;
    final int port;

    final AtomicLong closes = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    /** Handshakes that failed, by cause ("WebSocket upgrade failure: 429", "Connection refused"...). */
    final java.util.Map<String, LongAdder> connectFailures = new java.util.concurrent.ConcurrentHashMap<>();
    final LongAdder frames = new LongAdder();
    private final AtomicInteger errorsLogged = new AtomicInteger();
    volatile long lastMarkerNanos;
    private volatile Phase phase;

    LoadGen(Dialect dialect, int... ports) {
        this.dialect = dialect;
        this.ports = ports.clone();
        this.port = ports[0];
        int loops = Integer.getInteger("bench.genLoops", Runtime.getRuntime().availableProcessors());
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10_000));
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(1_000_000)
                .setConnectTimeout(10_000)
                .setMaxFrameSize(16 << 20)
                .setMaxMessageSize(64 << 20)
                .setTryUsePerMessageCompression(false)
                .setTcpNoDelay(true)
                .setClosingTimeout(2));
        // Vert.x 4.5 cancels a WebSocket handshake's timeout timer only if its id is > 0
        // (Http1xClientConnection.toWebSocket), and a Vert.x instance's first timer has id 0: that would close the
        // first socket opened, with 1000 and from this side, once its handshake timeout passes. Take id 0 here.
        vertx.cancelTimer(vertx.setTimer(60_000, t -> {
        }));
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }

    // ------------------------------------------------------------------ connections

    /** One client socket. */
    final class Conn {
        final String user;
        /** Which of the peer's nodes this socket is connected to (index into {@link #ports}). */
        final int node;
        /** The partner's node (direct scenario). */
        int partnerNode;
        volatile WebSocket ws;
        volatile boolean open;
        String partner;
        int role = NONE;
        volatile CompletableFuture<Void> ackWaiter;
        /** Completes with the welcome frame (or the close), when the connect waits for it. */
        volatile CompletableFuture<Void> welcomeWaiter;
        /** Close status code and reason sent by the server, if it closed this socket. */
        volatile String closedWith;
        private Buffer partial;

        Conn(String user) {
            this(user, 0);
        }

        Conn(String user, int node) {
            this.user = user;
            this.node = node;
        }

        void send(String text) {
            WebSocket w = ws;
            if (w != null && open) {
                w.writeFinalTextFrame(text);
            }
        }
    }

    /**
     * False: connect as herald.js does ({@code ?echo=false}, every frame with a {@code ref}): the sending socket is
     * not written its own direct messages, its ack carries them.
     */
    boolean echo = true;
    /** True: each direct message carries a {@code ref}, which the server answers with an ack. */
    boolean ref = false;

    String path(String user) {
        return dialect == Dialect.SEED ? "/ws/" + user + "/" : echo ? "/ws/" + user : "/ws/" + user + "?echo=false";
    }

    /** Connects (and for Herald joins the bench room, waiting for the ack); completes with null on failure. */
    CompletableFuture<Conn> connect(Conn c, boolean join, long timeoutMs) {
        return connect(c, join, false, timeoutMs);
    }

    /**
     * {@link #connect(Conn, boolean, long)}; with {@code welcome}, it completes only once Herald's welcome frame (or a
     * close) arrived: the 101 comes before the server's work of opening the connection (on Redis, several round
     * trips), so only then is that work done, and a bound on handshakes in flight bounds it too.
     */
    CompletableFuture<Conn> connect(Conn c, boolean join, boolean welcome, long timeoutMs) {
        CompletableFuture<Conn> result = new CompletableFuture<>();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(ports[c.node]).setURI(path(c.user))
                .setTimeout(timeoutMs);
        client.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                String why = String.valueOf(ar.cause().getMessage()).replaceAll("\\s+", " ");
                connectFailures.computeIfAbsent(why.length() > 80 ? why.substring(0, 80) : why, k -> new LongAdder())
                        .increment();
                result.complete(null);
                return;
            }
            WebSocket ws = ar.result();
            c.ws = ws;
            c.open = true;
            CompletableFuture<Void> welcomed = welcome && dialect == Dialect.HERALD ? new CompletableFuture<>() : null;
            c.welcomeWaiter = welcomed;
            ws.frameHandler(f -> onFrame(c, f));
            ws.closeHandler(v -> {
                if (c.open) {
                    c.open = false;
                    c.closedWith = ws.closeStatusCode() == null ? "no close frame"
                            : ws.closeStatusCode() + (ws.closeReason() == null ? "" : " " + ws.closeReason());
                    closes.incrementAndGet();
                }
                if (welcomed != null) {
                    welcomed.complete(null);
                }
            });
            ws.exceptionHandler(t -> {
            });
            if (welcomed != null) {
                long timer = vertx.setTimer(timeoutMs, t -> welcomed.complete(null));
                welcomed.whenComplete((v, e) -> {
                    vertx.cancelTimer(timer);
                    c.welcomeWaiter = null;
                    result.complete(c);
                });
            } else if (join && dialect == Dialect.HERALD) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                c.ackWaiter = ack;
                ws.writeFinalTextFrame("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"ref\":\"j\"}");
                long timer = vertx.setTimer(timeoutMs, t -> ack.complete(null));
                ack.whenComplete((v, e) -> {
                    vertx.cancelTimer(timer);
                    c.ackWaiter = null;
                    result.complete(c);
                });
            } else {
                result.complete(c);
            }
        });
        return result;
    }

    /** Result of opening many sockets. */
    record Opened(List<Conn> conns, int failed, double seconds, boolean timedOut) {
    }

    /**
     * Opens {@code n} sockets named {@code prefix-i}, socket i on node {@code i % nodes}, with at most {@code concurrency} handshakes in flight,
     * bounded by {@code timeoutMs} overall; {@code progress} is called after every 1000 (may be null).
     */
    Opened openMany(String prefix, int n, boolean join, int concurrency, long timeoutMs, java.util.function.IntConsumer progress) {
        return openMany(prefix, n, join, false, concurrency, 0, timeoutMs, progress);
    }

    /**
     * {@link #openMany(String, int, boolean, int, long, java.util.function.IntConsumer)}; with {@code welcome}, a
     * handshake is in flight until its welcome frame (see {@link #connect(Conn, boolean, boolean, long)}), and at most
     * {@code perSecond} start a second (0: no bound). A socket closed before its welcome counts as failed, its close
     * code among {@link #connectFailures}.
     */
    Opened openMany(String prefix, int n, boolean join, boolean welcome, int concurrency, double perSecond, long timeoutMs,
                    java.util.function.IntConsumer progress) {
        List<Conn> ok = Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int chains = Math.max(1, Math.min(concurrency, n));
        CountDownLatch stopped = new CountDownLatch(chains);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean[] timedOut = new boolean[1];
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n || System.nanoTime() > deadline) {
                if (i < n) {
                    timedOut[0] = true;
                }
                stopped.countDown(); // this chain launches no more handshakes
                return;
            }
            Conn c = new Conn(prefix + "-" + i, i % ports.length);
            Runnable handshake = () -> connect(c, join, welcome, 15_000).whenComplete((r, e) -> {
                if (r != null && !r.open && r.closedWith != null) {
                    connectFailures.computeIfAbsent("closed before its welcome: " + r.closedWith, k -> new LongAdder())
                            .increment();
                }
                if (r != null && r.open) {
                    ok.add(r);
                    int d = done.incrementAndGet();
                    if (progress != null && d % 1000 == 0) {
                        progress.accept(d);
                    }
                }
                chain[0].run();
            });
            // paced: handshake i starts no earlier than i / perSecond after the first
            long waitMs = perSecond <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(start + (long) (i * 1e9 / perSecond) - System.nanoTime());
            if (waitMs > 0) {
                vertx.setTimer(waitMs, t -> handshake.run());
            } else {
                handshake.run();
            }
        };
        for (int k = 0; k < chains; k++) {
            chain[0].run();
        }
        try {
            // every handshake is bounded (connect 15 s + ack 15 s), so this wait is too
            stopped.await(timeoutMs + 40_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        List<Conn> conns;
        synchronized (ok) {
            conns = new ArrayList<>(ok);
        }
        return new Opened(conns, n - conns.size(), secs, timedOut[0]);
    }

    /** "1008 outbound backlog ×1348, ..." for the sockets the server closed. */
    static String closeCodes(List<Conn> conns) {
        return conns.stream().filter(c -> c.closedWith != null)
                .collect(java.util.stream.Collectors.groupingBy(c -> c.closedWith, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Closes the sockets and waits (bounded) until the close handshakes are done. */
    void closeAll(List<Conn> conns) {
        for (Conn c : conns) {
            WebSocket w = c.ws;
            c.open = false;
            if (w != null) {
                w.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Conn c : conns) {
            WebSocket w = c.ws;
            while (w != null && !w.isClosed() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(5_000_000);
            }
        }
    }

    // ------------------------------------------------------------------ receive path

    private void onFrame(Conn c, WebSocketFrame f) {
        if (!(f.isText() || f.isBinary() || f.isContinuation())) {
            return;
        }
        Buffer b = f.binaryData();
        if (!f.isFinal() || c.partial != null) {
            if (c.partial == null) {
                c.partial = Buffer.buffer();
            }
            c.partial.appendBuffer(b);
            if (!f.isFinal()) {
                return;
            }
            b = c.partial;
            c.partial = null;
        }
        frames.increment();
        onMessage(c, b);
    }

    private static int indexOf(Buffer b, byte x, byte y, int from) {
        int n = b.length() - 1;
        for (int i = from; i < n; i++) {
            if (b.getByte(i) == x && b.getByte(i + 1) == y) {
                return i;
            }
        }
        return -1;
    }

    private static final String SCHEDULED_FRAME = "{\"type\":\"scheduled\"";
    private static final String WELCOME_FRAME = "{\"type\":\"welcome\"";

    private static boolean startsWith(Buffer b, String s) {
        if (b.length() < s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b.getByte(k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(Buffer b, String s) {
        int n = b.length() - s.length();
        outer:
        for (int i = 0; i <= n; i++) {
            for (int k = 0; k < s.length(); k++) {
                if (b.getByte(i + k) != s.charAt(k)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void onMessage(Conn c, Buffer b) {
        int i = indexOf(b, (byte) '@', (byte) '@', 0);
        Phase p = phase;
        if (i < 0) {
            CompletableFuture<Void> welcomed = c.welcomeWaiter;
            if (welcomed != null && startsWith(b, WELCOME_FRAME)) {
                welcomed.complete(null);
            } else if (c.ackWaiter != null && contains(b, "\"ack\"")) {
                c.ackWaiter.complete(null);
            } else if (contains(b, "\"error\"")) {
                errors.incrementAndGet();
                if (errorsLogged.incrementAndGet() <= 5) {
                    System.out.println("    [gen] error frame for " + c.user + ": " + b.toString());
                }
            }
            if (p != null) {
                p.noise.increment();
            }
            return;
        }
        int n = b.length();
        byte tag = b.getByte(i + 2);
        int j = i + 3;
        int step = 0;
        byte d;
        while (j < n && (d = b.getByte(j)) != ':') {
            step = step * 10 + (d - '0');
            j++;
        }
        j++;
        long t = 0;
        while (j < n && (d = b.getByte(j)) >= '0' && d <= '9') {
            t = t * 10 + (d - '0');
            j++;
        }
        long now = System.nanoTime();
        lastMarkerNanos = now;
        switch (tag) {
            case 'P' -> {
                if (c.role == RESPONDER) {
                    c.send(directFrame(c.partner, "@@R" + step + ":" + t + "@@"));
                }
            }
            case 'R' -> {
                if (c.role == PINGER && p != null && p.tag == 'R' && p.step == step && p.record(t, now)) {
                    // a round trip is one delivery by each side's node
                    p.byNode.incrementAndGet(c.node);
                    p.byNode.incrementAndGet(c.partnerNode);
                }
            }
            case 'S' -> {
                // a `scheduled` frame (the message's state change, pushed to its recipient too) quotes the text: not a delivery
                if (p != null && p.tag == 'S' && !startsWith(b, SCHEDULED_FRAME)) {
                    p.recordScheduled(step, t);
                }
            }
            default -> {
                if (p != null && p.tag == tag && p.step == step && p.record(t, now)) {
                    p.byNode.incrementAndGet(c.node);
                }
            }
        }
    }

    // ------------------------------------------------------------------ frames sent

    String roomFrame(String marker) {
        return dialect == Dialect.SEED
                ? "{\"message\":\"" + marker + PAD + "\"}"
                : "{\"type\":\"send\",\"room\":\"" + ROOM + "\",\"text\":\"" + marker + PAD + "\"}";
    }

    String directFrame(String to, String marker) {
        return dialect == Dialect.SEED
                ? "{\"to_user\":\"" + to + "\",\"message\":\"" + marker + "\"}"
                : "{\"type\":\"send\",\"to\":\"" + to + "\",\"text\":\"" + marker + (ref ? "\",\"ref\":1}" : "\"}");
    }

    String broadcastFrame(String marker) {
        return dialect == Dialect.SEED
                ? "{\"message\":\"" + marker + "\"}"
                : "{\"type\":\"broadcast\",\"text\":\"" + marker + "\"}";
    }

    // ------------------------------------------------------------------ phases

    /** What is being measured right now: frames with this tag and step are recorded. */
    static final class Phase {
        final char tag;
        final int step;
        final long from;
        final long to;
        final LongAdder counted = new LongAdder();
        final LongAdder outside = new LongAdder();
        final LongAdder noise = new LongAdder();
        /** Deliveries counted per node of the peer (the node of the receiving socket). */
        final AtomicLongArray byNode;
        final List<Histo> histos = Collections.synchronizedList(new ArrayList<>());
        private final ThreadLocal<Histo> local = ThreadLocal.withInitial(() -> {
            Histo h = new Histo();
            histos.add(h);
            return h;
        });
        // scheduled-delivery bookkeeping (tag 'S')
        AtomicIntegerArray seen;
        final LongAdder dupes = new LongAdder();
        final LongAdder early = new LongAdder();

        Phase(char tag, int step, long from, long to) {
            this(tag, step, from, to, 1);
        }

        Phase(char tag, int step, long from, long to, int nodes) {
            this.tag = tag;
            this.step = step;
            this.from = from;
            this.to = to;
            this.byNode = new AtomicLongArray(nodes);
        }

        /** Records a delivery; true if it falls in the measured window. */
        boolean record(long intended, long now) {
            if (intended >= from && intended < to) {
                local.get().record((now - intended) / 1000);
                counted.increment();
                return true;
            }
            outside.increment();
            return false;
        }

        /** {@code seq} is the message number, {@code dueMs} the epoch millisecond it was scheduled for. */
        void recordScheduled(int seq, long dueMs) {
            long lateMs = System.currentTimeMillis() - dueMs;
            if (seen != null && seq < seen.length() && seen.getAndIncrement(seq) > 0) {
                dupes.increment();
                return;
            }
            if (lateMs < 0) {
                early.increment();
            }
            local.get().record(Math.max(0, lateMs) * 1000);
            counted.increment();
        }

        Histo merged() {
            Histo m = new Histo();
            synchronized (histos) {
                for (Histo h : histos) {
                    m.add(h);
                }
            }
            return m;
        }
    }

    /**
     * From now on, counts the marker frames with this tag and step whose intended send time falls in [from, to) (for
     * a publisher in another process: System.nanoTime is CLOCK_MONOTONIC on Linux, the same in every process).
     */
    Phase measure(char tag, int step, long from, long to) {
        Phase p = new Phase(tag, step, from, to, ports.length);
        phase = p;
        return p;
    }

    /** Stops counting. */
    void endPhase() {
        phase = null;
    }

    /** "WebSocket upgrade failure: 429 ×12, ..." for the handshakes that failed. */
    String connectFailureCauses() {
        return connectFailures.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue().sum())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Waits until no marker frame arrived for {@code quietMs}, at most {@code maxMs}. */
    void quiesce(long quietMs, long maxMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() - lastMarkerNanos > TimeUnit.MILLISECONDS.toNanos(quietMs)) {
                return;
            }
            sleepMs(50);
        }
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleepUntil(long nanoTime) {
        long d;
        while ((d = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(d, 50_000_000));
        }
    }

    // ------------------------------------------------------------------ fixed-rate steps

    /**
     * One measured step at a fixed offered rate. {@code srvCpuEach} is the CPU % of each server process (in the order
     * of the pids given), {@code deliveredByNode} the deliveries per node of the peer (by the receiving socket's node).
     */
    record Step(String scenario, int conns, int step, double offered, long expected, long delivered,
                double seconds, Histo latency, double genCpu, double srvCpu, double otherCpu, long srvRssKb, long closes,
                long errors, long noise, double publishLagMs, double[] srvCpuEach, long[] deliveredByNode) {
        double deliveredPerSec() {
            return seconds <= 0 ? 0 : delivered / seconds;
        }

        double lossPct() {
            return expected <= 0 ? 100 : Math.max(0, 100.0 * (expected - delivered) / expected);
        }
    }

    /** Timing of a step: warm-up (sent, not measured), measured window, drain (only waited for). */
    record Timing(long warmMs, long measureMs, long drainMs) {
    }

    /**
     * Runs a schedule: {@code send.accept(k, intendedNanos)} is called for k = 0.. at {@code period} ns intervals
     * from {@code start} to {@code end} on the calling thread (a dedicated thread, not an event loop).
     * Returns how many intended send times fell in [from, to) and the worst lag of the loop behind schedule.
     */
    static long[] schedule(long start, long end, long period, long from, long to, SendAt send) {
        long next = start;
        long k = 0;
        long inWindow = 0;
        long worstLag = 0;
        while (next < end) {
            long now = System.nanoTime();
            if (now >= next) {
                worstLag = Math.max(worstLag, now - next);
                send.at(k++, next);
                if (next >= from && next < to) {
                    inWindow++;
                }
                next = start + (long) (k * (double) period);
            } else {
                long d = next - now;
                if (d > 20_000) {
                    LockSupport.parkNanos(Math.min(d - 10_000, 1_000_000));
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        return new long[]{inWindow, worstLag};
    }

    @FunctionalInterface
    interface SendAt {
        void at(long k, long intendedNanos);
    }

    /**
     * Fan-out: {@code publisher} sends to the room at {@code deliveriesPerSec / conns.size()} messages per second;
     * every member (publisher included) should receive each one.
     */
    Step fanoutStep(String name, List<Conn> conns, int stepNo, double deliveriesPerSec, Timing tm, List<Long> srv) {
        Conn pub = conns.get(0);
        int n = conns.size();
        double pubRate = deliveriesPerSec / n;
        long period = (long) (1e9 / pubRate);
        return runStep(name, n, 'F', stepNo, deliveriesPerSec, tm, srv, n, period,
                (k, t) -> pub.send(roomFrame("@@F" + stepNo + ":" + t + "@@")));
    }

    /**
     * Direct: pairs (pinger, responder); pingers send {@code msgsPerSec/2} pings per second in total,
     * round-robin over the pairs; responders echo each ping back; the round trip is measured from the
     * ping's intended send time. Throughput counts both directions (2 messages per round trip).
     */
    Step directStep(String name, List<Conn> pingers, int stepNo, double msgsPerSec, Timing tm, List<Long> srv) {
        int pairs = pingers.size();
        long period = (long) (1e9 / (msgsPerSec / 2));
        Step s = runStep(name, pairs * 2, 'R', stepNo, msgsPerSec, tm, srv, 1, period, (k, t) -> {
            Conn c = pingers.get((int) (k % pairs));
            c.send(directFrame(c.partner, "@@P" + stepNo + ":" + t + "@@"));
        });
        // a round trip is two delivered messages
        return new Step(s.scenario(), s.conns(), s.step(), s.offered(), s.expected() * 2, s.delivered() * 2,
                s.seconds(), s.latency(), s.genCpu(), s.srvCpu(), s.otherCpu(), s.srvRssKb(), s.closes(), s.errors(), s.noise(),
                s.publishLagMs(), s.srvCpuEach(), s.deliveredByNode());
    }

    private Step runStep(String name, int conns, char tag, int stepNo, double offered, Timing tm, List<Long> srv,
                         int perSend, long period, SendAt send) {
        long start = System.nanoTime() + 20_000_000;
        long from = start + TimeUnit.MILLISECONDS.toNanos(tm.warmMs());
        long to = from + TimeUnit.MILLISECONDS.toNanos(tm.measureMs());
        Phase p = new Phase(tag, stepNo, from, to, ports.length);
        phase = p;
        long closes0 = closes.get();
        long errors0 = errors.get();
        long[][] out = new long[1][];
        Thread pubThread = Thread.ofPlatform().name("bench-publisher").start(
                () -> out[0] = schedule(start, to, period, from, to, send));
        sleepUntil(from);
        ProcStats.Sample s0 = ProcStats.Sample.take(srv);
        sleepUntil(to);
        ProcStats.Sample s1 = ProcStats.Sample.take(srv);
        long rss = ProcStats.rssKb(srv);
        try {
            pubThread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long inWindow = out[0] == null ? 0 : out[0][0];
        long lagNs = out[0] == null ? 0 : out[0][1];
        long expected = inWindow * perSend;
        long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tm.drainMs());
        while (p.counted.sum() < expected && System.nanoTime() < drainDeadline) {
            sleepMs(10);
        }
        long delivered = p.counted.sum();
        phase = null;
        // the span the measured sends cover (a whole number of periods), so delivered/s is not skewed by rounding
        double seconds = inWindow > 0 ? inWindow * (double) period / 1e9 : tm.measureMs() / 1000.0;
        long[] byNode = new long[ports.length];
        for (int k = 0; k < byNode.length; k++) {
            byNode[k] = p.byNode.get(k);
        }
        return new Step(name, conns, stepNo, offered, expected, delivered, seconds, p.merged(),
                s0.selfPct(s1), s0.serverPct(s1), s0.otherPct(s1), rss, closes.get() - closes0, errors.get() - errors0,
                p.noise.sum(), lagNs / 1e6, s0.serverPctEach(s1), byNode);
    }

    /** Pass criteria of a step in a ladder. */
    record Criteria(double maxLossPct, double maxP99Ms) {
        boolean pass(Step s) {
            return s.expected() > 0 && s.lossPct() <= maxLossPct && s.latency().percentile(0.99) / 1000.0 <= maxP99Ms
                    && s.closes() == 0;
        }
    }

    /**
     * Finds the highest rate that passes: doubles from {@code start} while steps pass, halves while they fail,
     * then bisects geometrically between the best pass and the lowest failure; at most {@code maxSteps} steps.
     */
    static List<Step> ladder(DoubleFunction<Step> run, double start, double min, double max, int maxSteps,
                             Criteria crit, java.util.function.Consumer<Step> report,
                             java.util.function.BooleanSupplier outOfTime) {
        List<Step> steps = new ArrayList<>();
        double rate = Math.max(min, Math.min(max, start));
        double bestPass = -1;
        double lowestFail = Double.MAX_VALUE;
        for (int k = 0; k < maxSteps && !outOfTime.getAsBoolean(); k++) {
            Step s = run.apply(rate);
            steps.add(s);
            boolean ok = crit.pass(s);
            report.accept(s);
            if (ok) {
                bestPass = Math.max(bestPass, rate);
            } else {
                lowestFail = Math.min(lowestFail, rate);
            }
            double nextRate;
            if (lowestFail == Double.MAX_VALUE) {
                if (rate >= max) {
                    break;
                }
                nextRate = Math.min(max, rate * 2);
            } else if (bestPass < 0) {
                if (rate <= min) {
                    break;
                }
                nextRate = Math.max(min, rate / 2);
            } else {
                if (lowestFail / bestPass < 1.25) {
                    break;
                }
                nextRate = Math.sqrt(bestPass * lowestFail);
            }
            rate = nextRate;
        }
        return steps;
    }

    // ------------------------------------------------------------------ one-shot measurements

    /**
     * Sends one broadcast (tag C) from {@code from} and counts how many of the sockets receive it within
     * {@code waitMs}: the proof that idle connections are really held.
     */
    long verifyBroadcast(Conn from, int expected, long waitMs) {
        long now = System.nanoTime();
        Phase p = new Phase('C', 0, now - 1, Long.MAX_VALUE, ports.length);
        phase = p;
        from.send(broadcastFrame("@@C0:" + System.nanoTime() + "@@"));
        long deadline = now + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (p.counted.sum() < expected && System.nanoTime() < deadline) {
            sleepMs(20);
        }
        phase = null;
        return p.counted.sum();
    }

    /**
     * Start-up probe: retries connecting until the server accepts (every 20 ms, bounded), then sends one
     * message to itself through the server; returns System.nanoTime at which it came back, or -1.
     */
    long firstDelivery(String user, long timeoutMs) {
        return firstDelivery(user, 0, timeoutMs, () -> true);
    }

    /** {@link #firstDelivery(String, long)} through node {@code node} of the peer; gives up once {@code alive} is false. */
    long firstDelivery(String user, int node, long timeoutMs, java.util.function.BooleanSupplier alive) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline && alive.getAsBoolean()) {
            Conn c = new Conn(user, node);
            Conn r = connect(c, true, 5_000).join();
            if (r == null || !r.open) {
                sleepMs(20);
                continue;
            }
            Phase p = new Phase('U', 0, 0, Long.MAX_VALUE, ports.length);
            phase = p;
            c.send(roomFrame("@@U0:" + System.nanoTime() + "@@"));
            // one attempt waits at most 5 s (a cold server under load); then a fresh socket tries again
            long attemptEnd = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            while (p.counted.sum() == 0 && System.nanoTime() < attemptEnd) {
                LockSupport.parkNanos(200_000);
            }
            long at = p.counted.sum() > 0 ? lastMarkerNanos : -1;
            phase = null;
            closeAll(List.of(c));
            if (at > 0) {
                return at;
            }
        }
        return -1;
    }

    /** Result of the scheduling scenario. */
    record Sched(int total, long posted, long postFailed, long notPostedInTime, double postSeconds, long delivered, long dupes,
                 long early, Histo lateness, double genCpu, double srvCpu, long srvRssKb, String firstError) {
    }

    /**
     * Scheduling: POSTs {@code total} messages due uniformly over {@code spreadMs}, starting {@code leadMs}
     * from now, to {@code receivers} connected users (direct, with deliverAt), then measures each delivery's
     * lateness against its due time (wall clock), duplicates and misses.
     */
    Sched scheduling(List<Conn> receivers, int total, long leadMs, long spreadMs, int httpConcurrency,
                     List<Long> srv, long drainMs) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                .setMaxPoolSize(httpConcurrency).setKeepAlive(true).setTcpNoDelay(true));
        long t0 = System.currentTimeMillis() + leadMs;
        Phase p = new Phase('S', 0, 0, Long.MAX_VALUE);
        p.seen = new AtomicIntegerArray(total);
        phase = p;
        ProcStats.Sample s0 = ProcStats.Sample.take(srv);
        AtomicInteger next = new AtomicInteger();
        AtomicLong posted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String[] firstError = new String[1];
        CountDownLatch done = new CountDownLatch(total);
        long postStart = System.nanoTime();
        AtomicLong late = new AtomicLong();
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            int k = next.getAndIncrement();
            if (k >= total) {
                return;
            }
            long due = t0 + (long) ((double) k * spreadMs / total);
            if (due - System.currentTimeMillis() < 500) {
                // posting fell behind the schedule: a message due in under 0.5 s is not posted (counted apart)
                late.incrementAndGet();
                done.countDown();
                chain[0].run();
                return;
            }
            String to = receivers.get(k % receivers.size()).user;
            String body = "{\"to\":\"" + to + "\",\"text\":\"@@S" + k + ":" + due + "@@\",\"deliverAt\":\""
                    + Instant.ofEpochMilli(due) + "\"}";
            Future<Integer> f = http.request(HttpMethod.POST, "/api/messages")
                    .compose(req -> req.putHeader("content-type", "application/json").send(body)
                            .compose(resp -> resp.body().map(b -> {
                                if (resp.statusCode() != 201 && firstError[0] == null) {
                                    firstError[0] = resp.statusCode() + " " + b.toString();
                                }
                                return resp.statusCode();
                            })));
            f.onComplete(ar -> {
                if (ar.succeeded() && ar.result() == 201) {
                    posted.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (ar.failed() && firstError[0] == null) {
                        firstError[0] = String.valueOf(ar.cause());
                    }
                }
                done.countDown();
                chain[0].run();
            });
        };
        for (int i = 0; i < httpConcurrency; i++) {
            vertx.runOnContext(v -> chain[0].run());
        }
        try {
            done.await(leadMs + spreadMs + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double postSecs = (System.nanoTime() - postStart) / 1e9;
        long end = t0 + spreadMs + drainMs;
        while (System.currentTimeMillis() < end && p.counted.sum() < posted.get()) {
            sleepMs(50);
        }
        sleepMs(Math.min(1000, Math.max(0, end - System.currentTimeMillis()))); // catch late duplicates
        ProcStats.Sample s1 = ProcStats.Sample.take(srv);
        phase = null;
        http.close();
        return new Sched(total, posted.get(), failed.get(), late.get(), postSecs, p.counted.sum(), p.dupes.sum(), p.early.sum(),
                p.merged(), s0.selfPct(s1), s0.serverPct(s1), ProcStats.rssKb(srv), firstError[0]);
    }
}
