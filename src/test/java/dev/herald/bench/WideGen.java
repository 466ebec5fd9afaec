package dev.herald.bench;

import dev.herald.bench.LoadGen.Conn;
import dev.herald.bench.LoadGen.Dialect;
import dev.herald.bench.LoadGen.Phase;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One generator process of the wide scenario ({@link WideScenario}): a {@link LoadGen} of its own (one process may
 * hold at most ~19 000 sockets: 20 000 open files), driven by the benchmark's JVM through stdin, one command a line,
 * each answered by one line on stdout starting with {@code @wide} (anything else this process prints goes to stderr,
 * the log). It exits when stdin closes, so it never outlives the run that started it.
 *
 * <p>Commands: {@code open <prefix> <count> <inFlight> <perSecond> <timeoutMs>} (idle sockets {@code prefix-0..count-1},
 * socket i on node i mod nodes, at most inFlight handshakes (up to the welcome frame) at once and perSecond started a
 * second, 0: unbounded;
 * {@code @wide progress n} every 1 000 while opening), {@code status}, {@code measure <tag> <step> <fromNanos>
 * <toNanos>}, {@code count}, {@code result}, {@code quiet <quietMs> <maxMs>}, {@code close}, {@code quit}.
 *
 * <p>Not a test: {@code java -cp <test classpath> dev.herald.bench.WideGen <port,port,...>}.
 */
final class WideGen {

    private WideGen() {
    }

    public static void main(String[] args) throws Exception {
        // stdout is the protocol; what Vert.x, Netty or LoadGen print goes to the log
        PrintStream proto = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        int[] ports = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        LoadGen gen = new LoadGen(Dialect.HERALD, ports);
        long started = System.nanoTime();
        try {
            // the parent compares this with its own clock: latencies need one clock across processes
            proto.println("@wide hello " + System.nanoTime() + " " + ProcessHandle.current().pid());
            List<Conn> conns = List.of();
            java.util.Set<String> logged = new java.util.HashSet<>();
            Phase phase = null;
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                switch (c[0]) {
                    case "open" -> {
                        LoadGen.Opened o = gen.openMany(c[1], Integer.parseInt(c[2]), false, true, Integer.parseInt(c[3]),
                                Double.parseDouble(c[4]), Long.parseLong(c[5]), n -> proto.println("@wide progress " + n));
                        conns = o.conns();
                        proto.printf("@wide opened %d %d %.3f %b%n", conns.size(), o.failed(), o.seconds(), o.timedOut());
                    }
                    case "status" -> {
                        long open = conns.stream().filter(x -> x.open).count();
                        // which sockets the server closed, and when: for the log
                        conns.stream().filter(x -> x.closedWith != null && logged.add(x.user)).limit(20).forEach(x ->
                                System.err.printf("closed by the server before %.1f s: %s (node %d): %s%n",
                                        (System.nanoTime() - started) / 1e9, x.user, x.node + 1, x.closedWith));
                        // the causes last: they contain spaces
                        proto.println("@wide status " + open + " " + gen.closes.get() + " " + gen.errors.get() + " "
                                + ProcStats.rssKb(ProcStats.selfPid()) + " closed: " + LoadGen.closeCodes(conns)
                                + " | failed: " + gen.connectFailureCauses());
                    }
                    case "measure" -> {
                        phase = gen.measure(c[1].charAt(0), Integer.parseInt(c[2]), Long.parseLong(c[3]), Long.parseLong(c[4]));
                        proto.println("@wide measuring");
                    }
                    case "count" -> proto.println("@wide count " + (phase == null ? 0 : phase.counted.sum()) + " " + gen.closes.get());
                    case "result" -> {
                        gen.endPhase();
                        Phase p = phase;
                        phase = null;
                        String byNode = p == null ? "0" : IntStream.range(0, p.byNode.length())
                                .mapToObj(k -> Long.toString(p.byNode.get(k))).collect(Collectors.joining(","));
                        proto.println("@wide result " + (p == null ? 0 : p.counted.sum()) + " " + gen.closes.get() + " "
                                + gen.errors.get() + " " + byNode + " " + (p == null ? new Histo() : p.merged()).encode());
                    }
                    case "quiet" -> {
                        gen.quiesce(Long.parseLong(c[1]), Long.parseLong(c[2]));
                        proto.println("@wide quiet");
                    }
                    case "close" -> {
                        gen.closeAll(new ArrayList<>(conns));
                        conns = List.of();
                        proto.println("@wide closed");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> proto.println("@wide error unknown command " + line);
                }
            }
        } finally {
            // sockets and event loops go with the process: no need to close 15 000 sockets one by one
            Runtime.getRuntime().halt(0);
        }
    }
}
