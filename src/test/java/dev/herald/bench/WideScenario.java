package dev.herald.bench;

import dev.herald.bench.LoadGen.Conn;
import dev.herald.bench.LoadGen.Criteria;
import dev.herald.bench.LoadGen.Step;
import dev.herald.bench.LoadGen.Timing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.herald.bench.BenchRunner.f0;
import static dev.herald.bench.BenchRunner.f1;
import static dev.herald.bench.BenchRunner.f2;
import static dev.herald.bench.BenchRunner.mb;
import static dev.herald.bench.BenchRunner.ms;

/**
 * The wide scenario: more sockets than one process may hold (20 000 open files here). {@code wideGens} generator
 * processes ({@link WideGen}) open {@code wideSockets} idle sockets in all (distinct users, spread over the peer's
 * nodes, {@code wideInFlight} handshakes in flight each), and this JVM measures: how long the connects took, how many
 * failed or were closed, the nodes' and redis-server's memory per socket (nodes after a full GC), that every socket
 * still gets a broadcast, then a ladder of broadcast rates from one more socket (the publisher, here) where every socket
 * must receive every message, with the CPU of each node, redis-server and each generator per step.
 *
 * <p>Latency crosses processes: the publisher writes its intended send time (System.nanoTime, CLOCK_MONOTONIC on
 * Linux: one clock for every process of the machine) in the text and each generator subtracts it from its own
 * System.nanoTime. Each generator says its clock when it starts, and a different clock is noted.
 */
final class WideScenario {

    private static final String EOF = "\u0000eof";

    private final BenchRunner bench;
    private final String peer;
    private final BenchRunner.Server server;
    /** This JVM's generator: it holds the publisher's socket. */
    private final LoadGen gen;
    private final List<Long> nodePids = new ArrayList<>();
    private final List<Long> redisPids = new ArrayList<>();
    private final List<Child> children = new ArrayList<>();
    /** CPU % of the publisher's JVM and of each generator, per step. */
    private final Map<Step, double[]> genCpuEach = new IdentityHashMap<>();
    private Conn publisher;

    /** One generator process, spoken to through its stdin and stdout. */
    private static final class Child {
        final int index;
        final int target;
        final Process proc;
        final BufferedWriter in;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final AtomicInteger progress = new AtomicInteger();
        final String log;

        Child(int index, int target, Process proc, String log) {
            this.index = index;
            this.target = target;
            this.proc = proc;
            this.log = log;
            this.in = new BufferedWriter(new OutputStreamWriter(proc.getOutputStream(), StandardCharsets.UTF_8));
        }
    }

    /** What a generator's {@code result} says: deliveries counted, its closes and error frames so far, by node, latencies. */
    private record Result(long counted, long closes, long errors, long[] byNode, Histo latency) {
        static Result parse(String reply) {
            String[] f = reply.split(" ", 6);
            return new Result(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Arrays.stream(f[4].split(",")).mapToLong(Long::parseLong).toArray(), Histo.decode(f[5]));
        }
    }

    /** What a generator's {@code status} says. */
    private record Status(long open, long closes, long errors, long rssKb, String closeCodes, String failures) {
        static Status parse(String reply) {
            String[] f = reply.split(" ", 6);
            String rest = f[5];
            int bar = rest.indexOf(" | failed: ");
            return new Status(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    rest.substring("closed: ".length(), bar).strip(), rest.substring(bar + " | failed: ".length()).strip());
        }
    }

    WideScenario(BenchRunner bench, String peer, BenchRunner.Server server, LoadGen gen) {
        this.bench = bench;
        this.peer = peer;
        this.server = server;
        this.gen = gen;
        for (int k = 0; k < server.procs().size(); k++) {
            (server.names().get(k).equals("redis-server") ? redisPids : nodePids).add(server.procs().get(k).pid());
        }
    }

    void run() {
        try {
            measure();
        } catch (IOException | UncheckedIOException e) {
            bench.note(peer + ": wide: aborted: " + e.getMessage());
        } finally {
            stopChildren();
            if (publisher != null) {
                gen.closeAll(List.of(publisher));
            }
            noteLogs();
        }
    }

    /**
     * What the servers' logs say went wrong: each node's ERROR lines (a handshake whose Redis calls found no answer
     * within herald.redis.timeout is one, and its socket is closed with 1011), and redis-server dropping a node's
     * subscription for its output buffer (the node then catches up from the streams).
     */
    private void noteLogs() {
        List<String> errors = new ArrayList<>();
        for (int k = 1; k <= nodePids.size(); k++) {
            Path log = bench.out.resolve(peer + "-node" + k + ".log");
            try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                long[] n = new long[2];
                lines.filter(l -> l.contains(" ERROR ")).forEach(l -> {
                    n[0]++;
                    if (l.contains("could not open")) {
                        n[1]++;
                    }
                });
                if (n[0] > 0) {
                    errors.add("node " + k + ": " + n[0] + " (" + n[1] + " handshakes not opened)");
                }
            } catch (IOException | UncheckedIOException e) {
                // no log
            }
        }
        if (!errors.isEmpty()) {
            bench.note(peer + ": wide: ERROR lines in the node logs (target/bench/" + peer + "-node*.log): "
                    + String.join(", ", errors));
        }
        try (var lines = Files.lines(bench.out.resolve(peer + "-redis.log"), StandardCharsets.UTF_8)) {
            long dropped = lines.filter(l -> l.contains("output buffer limits")).count();
            if (dropped > 0) {
                bench.note(peer + ": wide: redis-server closed " + dropped + " client connections over their output buffer "
                        + "limit (a node's subscription that fell behind: see target/bench/" + peer + "-redis.log)");
            }
        } catch (IOException | UncheckedIOException e) {
            // no log
        }
    }

    private void measure() throws IOException {
        int target = bench.i("wideSockets");
        int gens = Math.max(1, bench.i("wideGens"));
        int nodes = gen.ports.length;
        checkLimits(target, gens, nodes);
        publisher = gen.connect(gen.new Conn("wide-pub", 0), false, 15_000).join();
        if (publisher == null || !publisher.open) {
            throw new IOException("the publisher's socket did not open on node 1");
        }
        BenchRunner.fullGc(nodePids);
        LoadGen.sleepMs(1000);
        long nodesBefore = ProcStats.rssKb(nodePids);
        long redisBefore = ProcStats.rssKb(redisPids);
        bench.log.printf(Locale.ROOT, "  wide: %d sockets from %d generator processes over %d nodes; nodes RSS %.0f MB "
                + "(after a full GC), redis-server %.0f MB%n", target, gens, nodes, nodesBefore / 1024.0, redisBefore / 1024.0);
        startChildren(target, gens);

        // the connect storm, paced by each generator's handshakes in flight
        long timeoutMs = Math.max(10_000, Math.min(bench.i("wideConnectTimeoutMs"), (bench.secondsLeft() - 60) * 1000));
        ProcStats.Sample s0 = ProcStats.Sample.take(server.pids());
        ProcStats.Sample g0 = ProcStats.Sample.take(childPids());
        long t0 = System.nanoTime();
        for (Child c : children) {
            send(c, "open w" + (c.index + 1) + " " + c.target + " " + bench.i("wideInFlight") + " "
                    + bench.d("wideConnectRate") / children.size() + " " + timeoutMs);
        }
        String[] opened = awaitOpened(t0, timeoutMs + 60_000);
        double connectSecs = (System.nanoTime() - t0) / 1e9;
        ProcStats.Sample s1 = ProcStats.Sample.take(server.pids());
        ProcStats.Sample g1 = ProcStats.Sample.take(childPids());
        long open = 0;
        long failed = 0;
        boolean timedOut = false;
        for (String r : opened) {
            String[] f = r.split(" ");
            open += Long.parseLong(f[1]);
            failed += Long.parseLong(f[2]);
            timedOut |= Boolean.parseBoolean(f[4]);
        }
        bench.log.printf(Locale.ROOT, "  wide: %d/%d open in %.1f s (%.0f/s), %d failed%s; CPU %% nodes+redis %.0f, generators %.0f, "
                        + "other %.0f%n", open, target, connectSecs, open / connectSecs, failed, timedOut ? ", timed out" : "",
                s0.serverPct(s1), sum(g0.serverPctEach(g1)), Math.max(0, s0.otherPct(s1) - sum(g0.serverPctEach(g1))));

        // held: memory after the hold (the nodes' after a full GC), then one broadcast that every socket must get
        LoadGen.sleepMs(bench.i("wideHoldMs"));
        List<Status> status = status();
        long nodesAfter = ProcStats.rssKb(nodePids);
        long redisAfter = ProcStats.rssKb(redisPids);
        boolean gc = BenchRunner.fullGc(nodePids);
        LoadGen.sleepMs(1000);
        long nodesGc = gc ? ProcStats.rssKb(nodePids) : -1;
        String eachNode = nodePids.stream().map(pid -> mb(ProcStats.rssKb(pid))).collect(Collectors.joining(" / "));
        long genRss = status.stream().mapToLong(Status::rssKb).sum();
        long stillOpen = status.stream().mapToLong(Status::open).sum();
        double nodesKb = open == 0 ? 0 : ((gc ? nodesGc : nodesAfter) - nodesBefore) / (double) open;
        double redisKb = open == 0 ? 0 : (redisAfter - redisBefore) / (double) open;
        long[] heldAndMs = held(stillOpen);
        long held = heldAndMs[0];
        status = status();
        long closed = status.stream().mapToLong(Status::closes).sum();
        String codes = status.stream().map(Status::closeCodes).filter(x -> !x.isEmpty()).collect(Collectors.joining(", "));
        String causes = status.stream().map(Status::failures).filter(x -> !x.isEmpty()).collect(Collectors.joining(", "));
        bench.log.printf(Locale.ROOT, "  wide: held %d (the broadcast reached the last in %s ms); nodes RSS %.0f -> %.0f MB, after "
                        + "full GC %s MB: %.1f KB/socket; redis-server %.0f -> %.0f MB: %.1f KB/socket; generators %.0f MB%s%s%n",
                held, ms(heldAndMs[1]), nodesBefore / 1024.0, nodesAfter / 1024.0, gc ? mb(nodesGc) : "-", nodesKb,
                redisBefore / 1024.0, redisAfter / 1024.0, redisKb, genRss / 1024.0,
                closed > 0 ? "; closed by the server: " + codes : "", failed > 0 ? "; failed: " + causes : "");
        String noteTxt = (timedOut ? "connect phase timed out; " : "")
                + (failed > 0 ? failed + " failed (" + causes + "); " : "")
                + (closed > 0 ? closed + " closed by the server (" + codes + "); " : "")
                + (held < open ? (open - held) + " did not get the broadcast; " : "")
                + "connect CPU %: nodes+redis " + f0(s0.serverPct(s1)) + ", generators " + f0(sum(g0.serverPctEach(g1)))
                + ", other " + f0(Math.max(0, s0.otherPct(s1) - sum(g0.serverPctEach(g1)))) + "; each node's RSS "
                + (gc ? "after GC " : "") + eachNode + " MB; one broadcast reached all in " + ms(heldAndMs[1]) + " ms";
        bench.wideRows.add(new String[]{peer, Integer.toString(nodes), Integer.toString(gens), Integer.toString(target),
                Long.toString(open), Long.toString(failed), Long.toString(closed), Long.toString(held), f1(connectSecs),
                f0(open / Math.max(0.001, connectSecs)), mb(nodesBefore), mb(nodesAfter), gc ? mb(nodesGc) : "-", f1(nodesKb),
                redisPids.isEmpty() ? "-" : mb(redisBefore), redisPids.isEmpty() ? "-" : mb(redisAfter),
                redisPids.isEmpty() ? "-" : f1(redisKb), mb(genRss), noteTxt});
        fanout();
    }

    /** Each generator process gets its share of the sockets; waits for each to start and checks its clock. */
    private void startChildren(int target, int gens) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String ports = Arrays.stream(gen.ports).mapToObj(Integer::toString).collect(Collectors.joining(","));
        for (int k = 0; k < gens; k++) {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:+UseParallelGC", "-Xms256m",
                    "-Xmx" + bench.opts().get("wideGenHeap"), "-Xss512k", "-Dbench.genLoops=" + bench.i("wideGenLoops")));
            // this JVM's logging and JDK-specific flags (--sun-misc-unsafe-memory-access=allow for Netty)
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access") || a.startsWith("-Djava.util.logging.manager"))
                    .forEach(cmd::add);
            String extra = bench.opts().getOrDefault("wideGenJvmOpts", "");
            if (!extra.isBlank()) {
                cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WideGen.class.getName(), ports));
            String log = peer + "-gen" + (k + 1) + ".log";
            Child c = new Child(k, target / gens + (k < target % gens ? 1 : 0),
                    bench.spawn(cmd, Map.of(), bench.root, log, true), log);
            children.add(c);
            Thread.ofPlatform().daemon().name("wide-gen-" + (k + 1)).start(() -> read(c));
        }
        for (Child c : children) {
            String hello = reply(c, 60_000);
            long theirs = Long.parseLong(hello.split(" ")[1]);
            long mine = System.nanoTime();
            if (theirs > mine || mine - theirs > TimeUnit.SECONDS.toNanos(60)) {
                bench.note(peer + ": wide: generator " + (c.index + 1) + "'s System.nanoTime differs from this JVM's by "
                        + (mine - theirs) / 1_000_000 + " ms: its latencies mean nothing");
            }
        }
    }

    /** A generator's stdout: progress while it opens sockets, otherwise one reply per command. */
    private static void read(Child c) {
        try (BufferedReader r = c.proc.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("@wide progress ")) {
                    c.progress.set(Integer.parseInt(line.substring("@wide progress ".length()).trim()));
                } else if (line.startsWith("@wide ")) {
                    c.replies.add(line.substring("@wide ".length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone: EOF says so
        }
        c.replies.add(EOF);
    }

    private static void send(Child c, String command) throws IOException {
        try {
            c.in.write(command);
            c.in.newLine();
            c.in.flush();
        } catch (IOException e) {
            throw new IOException("generator " + (c.index + 1) + " is gone (see target/bench/" + c.log + "): " + e.getMessage());
        }
    }

    private String reply(Child c, long timeoutMs) throws IOException {
        String r;
        try {
            r = c.replies.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r == null || r.equals(EOF)) {
            throw new IOException("generator " + (c.index + 1) + (r == null ? " did not answer within " + timeoutMs / 1000 + " s"
                    : " exited") + " (see target/bench/" + c.log + ")");
        }
        if (r.startsWith("error ")) {
            throw new IOException("generator " + (c.index + 1) + ": " + r);
        }
        return r;
    }

    /** Sends the command to every generator at once, then collects the replies in order. */
    private List<String> askAll(String command, long timeoutMs) throws IOException {
        for (Child c : children) {
            send(c, command);
        }
        List<String> replies = new ArrayList<>();
        for (Child c : children) {
            replies.add(reply(c, timeoutMs));
        }
        return replies;
    }

    private List<Status> status() throws IOException {
        return askAll("status", 30_000).stream().map(Status::parse).toList();
    }

    /** Waits for every generator's {@code opened}, saying every 10 s how far the storm is. */
    private String[] awaitOpened(long t0, long timeoutMs) throws IOException {
        String[] replies = new String[children.size()];
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long nextReport = t0 + TimeUnit.SECONDS.toNanos(10);
        int done = 0;
        while (done < replies.length) {
            for (Child c : children) {
                if (replies[c.index] == null) {
                    String r = c.replies.poll();
                    if (r != null) {
                        c.replies.add(r); // reply() takes it (and says why on EOF)
                        replies[c.index] = reply(c, 0);
                        done++;
                    }
                }
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IOException("the generators did not finish opening within " + timeoutMs / 1000 + " s");
            }
            if (now > nextReport) {
                nextReport += TimeUnit.SECONDS.toNanos(10);
                int n = children.stream().mapToInt(c -> replies[c.index] != null ? Integer.parseInt(replies[c.index].split(" ")[1])
                        : c.progress.get()).sum();
                bench.log.printf(Locale.ROOT, "    %d open after %.0f s (%.0f/s), nodes RSS %.0f MB, redis-server %.0f MB%n", n,
                        (now - t0) / 1e9, n / ((now - t0) / 1e9), ProcStats.rssKb(nodePids) / 1024.0,
                        ProcStats.rssKb(redisPids) / 1024.0);
            }
            LoadGen.sleepMs(100);
        }
        return replies;
    }

    /** One broadcast from the publisher; {how many sockets got it, when the last did (µs after it was sent)}. */
    private long[] held(long open) throws IOException {
        long now = System.nanoTime();
        askAll("measure C 0 " + (now - 1) + " " + Long.MAX_VALUE, 30_000);
        publisher.send(gen.broadcastFrame("@@C0:" + System.nanoTime() + "@@" + LoadGen.PAD));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(30_000, open));
        while (counted() < open && System.nanoTime() < deadline) {
            LoadGen.sleepMs(50);
        }
        long got = 0;
        long last = 0;
        for (String r : askAll("result", 30_000)) {
            Result res = Result.parse(r);
            got += res.counted();
            last = Math.max(last, res.latency().max());
        }
        return new long[]{got, last};
    }

    private long counted() throws IOException {
        return askAll("count", 30_000).stream().mapToLong(r -> Long.parseLong(r.split(" ")[1])).sum();
    }

    // ------------------------------------------------------------------ the fan-out ladder

    private void fanout() throws IOException {
        long size = status().stream().mapToLong(Status::open).sum();
        if (size == 0) {
            bench.note(peer + ": wide: no socket open, no fan-out");
            return;
        }
        Criteria crit = new Criteria(bench.d("maxLossPct"), bench.d("wideMaxP99Ms"));
        double start = bench.d("wideStart");
        int[] no = {1};
        Step warm = step("warm-up", no[0], start);
        bench.log.println("    " + bench.stepLine(warm, crit.pass(warm)) + "  (warm-up, not reported)");
        quiet();
        List<Step> steps = LoadGen.ladder(rate -> {
                    try {
                        Step s = step("wide", ++no[0], rate);
                        quiet();
                        return s;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, start, Math.max(1, size * 0.1), bench.d("maxRate"), bench.i("wideSteps"), crit,
                s -> bench.log.println("    " + bench.stepLine(s, crit.pass(s)) + " [publisher, generators CPU % "
                        + Arrays.stream(genCpuEach.get(s)).mapToObj(BenchRunner::f0).collect(Collectors.joining(", ")) + "]"),
                bench::outOfTime);
        bench.summarize(peer, "wide", (int) size, steps, bench.wideFanoutRows, crit);
        for (Step s : steps) {
            double[] cpu = s.srvCpuEach();
            List<String> node = new ArrayList<>();
            double redis = 0;
            for (int k = 0; k < cpu.length; k++) {
                if (bench.procNames.size() > k && bench.procNames.get(k).equals("redis-server")) {
                    redis += cpu[k];
                } else {
                    node.add(f0(cpu[k]));
                }
            }
            double[] g = genCpuEach.get(s);
            Histo h = s.latency();
            bench.wideStepRows.add(new String[]{peer, Integer.toString(s.conns()), f2(s.offered() / s.conns()), f0(s.offered()),
                    f0(s.deliveredPerSec()), f2(s.lossPct()), ms(h.percentile(0.5)), ms(h.percentile(0.99)), ms(h.max()),
                    String.join(" / ", node), redisPids.isEmpty() ? "-" : f0(redis), f0(g[0]),
                    Arrays.stream(g, 1, g.length).mapToObj(BenchRunner::f0).collect(Collectors.joining(" / ")), f0(s.otherCpu()),
                    f1(BenchRunner.srvMicros(s)), Long.toString(s.closes()), crit.pass(s) ? "pass" : "FAIL"});
        }
    }

    /**
     * One step: the publisher broadcasts at {@code rate / open sockets} messages per second on a fixed schedule;
     * every open socket must receive each one. CPU of every process is sampled over the measured window.
     */
    private Step step(String name, int stepNo, double rate) throws IOException {
        long open = status().stream().mapToLong(Status::open).sum();
        if (open == 0) {
            throw new IOException("no socket is open any more");
        }
        double pubRate = rate / open;
        long period = (long) (1e9 / pubRate);
        Timing t = bench.timing(pubRate);
        Timing tm = new Timing(t.warmMs(), t.measureMs(), bench.i("wideDrainMs"));
        long start = System.nanoTime() + 200_000_000; // after the generators have been told
        long from = start + TimeUnit.MILLISECONDS.toNanos(tm.warmMs());
        long to = from + TimeUnit.MILLISECONDS.toNanos(tm.measureMs());
        long closes0 = 0;
        long errors0 = 0;
        for (String r : askAll("result", 30_000)) { // (no phase yet: just the totals so far)
            Result res = Result.parse(r);
            closes0 += res.closes();
            errors0 += res.errors();
        }
        askAll("measure W " + stepNo + " " + from + " " + to, 30_000);
        long[][] out = new long[1][];
        Thread pub = Thread.ofPlatform().name("wide-publisher").start(() -> out[0] = LoadGen.schedule(start, to, period, from, to,
                (k, at) -> publisher.send(gen.broadcastFrame("@@W" + stepNo + ":" + at + "@@" + LoadGen.PAD))));
        LoadGen.sleepUntil(from);
        ProcStats.Sample s0 = ProcStats.Sample.take(server.pids());
        ProcStats.Sample g0 = ProcStats.Sample.take(childPids());
        LoadGen.sleepUntil(to);
        ProcStats.Sample s1 = ProcStats.Sample.take(server.pids());
        ProcStats.Sample g1 = ProcStats.Sample.take(childPids());
        long rss = ProcStats.rssKb(server.pids());
        try {
            pub.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long inWindow = out[0] == null ? 0 : out[0][0];
        long expected = inWindow * open;
        long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tm.drainMs());
        while (counted() < expected && System.nanoTime() < drainEnd) {
            LoadGen.sleepMs(100);
        }
        long delivered = 0;
        long closes = 0;
        long errors = 0;
        long[] byNode = new long[gen.ports.length];
        Histo latency = new Histo();
        for (String r : askAll("result", 30_000)) {
            Result res = Result.parse(r);
            delivered += res.counted();
            closes += res.closes();
            errors += res.errors();
            for (int k = 0; k < byNode.length && k < res.byNode().length; k++) {
                byNode[k] += res.byNode()[k];
            }
            latency.add(res.latency());
        }
        double[] gens = g0.serverPctEach(g1);
        double[] cpu = new double[gens.length + 1];
        cpu[0] = s0.selfPct(s1);
        System.arraycopy(gens, 0, cpu, 1, gens.length);
        double seconds = inWindow > 0 ? inWindow * (double) period / 1e9 : tm.measureMs() / 1000.0;
        Step s = new Step(name, (int) open, stepNo, rate, expected, delivered, seconds, latency, sum(cpu), s0.serverPct(s1),
                Math.max(0, s0.otherPct(s1) - sum(gens)), rss, closes - closes0, errors - errors0, 0,
                out[0] == null ? 0 : out[0][1] / 1e6, s0.serverPctEach(s1), byNode);
        genCpuEach.put(s, cpu);
        return s;
    }

    private void quiet() throws IOException {
        for (Child c : children) {
            send(c, "quiet 300 6000");
            reply(c, 30_000);
        }
    }

    // ------------------------------------------------------------------ helpers

    private List<Long> childPids() {
        return children.stream().map(c -> c.proc.pid()).toList();
    }

    private static double sum(double[] v) {
        return Arrays.stream(v).sum();
    }

    /** Notes, before the storm, what would stop it: open files per process, ephemeral ports per node. */
    private void checkLimits(int target, int gens, int nodes) {
        long files = openFilesLimit();
        if (files > 0 && (long) Math.ceil(target / (double) gens) > files - 1000) {
            bench.note(peer + ": wide: " + (target + gens - 1) / gens + " sockets per generator process, over the "
                    + files + " open files one may hold: raise wideGens");
        }
        if (files > 0 && (long) Math.ceil(target / (double) nodes) > files - 1000) {
            bench.note(peer + ": wide: " + (target + nodes - 1) / nodes + " sockets per node, over the " + files
                    + " open files one may hold: raise wideNodes");
        }
        try {
            // (Files.readString gets only the first byte of a /proc/sys file here: its size reads as 0)
            long tracked = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/netfilter/nf_conntrack_max")).get(0).trim());
            if (tracked < target + 1000L) {
                bench.note(peer + ": wide: the kernel tracks at most " + tracked + " connections (nf_conntrack_max)");
            }
        } catch (IOException | RuntimeException e) {
            // no connection tracking
        }
        try {
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            long ports = Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
            if (Math.ceil(target / (double) nodes) > ports) {
                bench.note(peer + ": wide: " + (target + nodes - 1) / nodes + " sockets per node, over the " + ports
                        + " local ports one client address has for one server port: raise wideNodes");
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux: not checked
        }
    }

    private static long openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.substring("Max open files".length()).trim().split("\\s+")[0])
                    .filter(v -> v.matches("\\d+")).mapToLong(Long::parseLong).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Tells every generator to quit (its sockets close with it), then stops what is still running. */
    private void stopChildren() {
        for (Child c : children) {
            try {
                send(c, "quit");
            } catch (IOException e) {
                // gone already
            }
        }
        for (Child c : children) {
            try {
                c.proc.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        bench.stop(children.stream().map(c -> c.proc).toList());
    }
}
