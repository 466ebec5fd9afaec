package dev.herald.bench;

import dev.herald.bench.LoadGen.Conn;
import dev.herald.bench.LoadGen.Criteria;
import dev.herald.bench.LoadGen.Dialect;
import dev.herald.bench.LoadGen.Step;
import dev.herald.bench.LoadGen.Timing;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the whole benchmark: starts each peer in turn (ceiling, Herald JVM, two Herald JVM nodes on one redis-server,
 * Herald native, Django Channels/Daphne with the in-memory and the Redis channel layer), drives the scenarios with
 * {@link LoadGen} from this JVM, samples the peer's CPU and RSS from /proc, prints markdown tables and
 * writes them (plus a CSV of every step) under target/bench/. When asked ({@code --wide}), the wide scenario
 * ({@link WideScenario}) drives more sockets than one process may hold from several generator processes.
 *
 * <p>Not a test (no JUnit): {@code bash src/test/bench/run.sh [--smoke] [--key=value ...]}. Options are
 * {@code --key=value} arguments or {@code -Dbench.key=value}; see src/test/bench/README-bench.md.
 */
public final class BenchRunner {

    private final Map<String, String> opts = new LinkedHashMap<>();
    final Path root;
    final Path out;
    private final long deadline;
    /** End of the current peer's share of the budget. */
    private long peerDeadline;
    private final List<Long> noPids = List.of();
    final PrintStream log = System.out;

    private final List<String[]> startupRows = new ArrayList<>();
    private final List<String[]> capacityRows = new ArrayList<>();
    private final List<String[]> fanoutRows = new ArrayList<>();
    private final List<String[]> directRows = new ArrayList<>();
    private final List<String[]> schedRows = new ArrayList<>();
    private final List<String[]> stepRows = new ArrayList<>();
    private final List<String[]> processRows = new ArrayList<>();
    /** The wide scenario: one row per run (sockets, memory), its fan-out's highest passing step, and every step. */
    final List<String[]> wideRows = new ArrayList<>();
    final List<String[]> wideFanoutRows = new ArrayList<>();
    final List<String[]> wideStepRows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /**
     * Every process this run has started and not yet stopped, in the order started. Written to
     * target/bench/running.pids so that run.sh can stop what is left should this JVM die without its shutdown hook.
     */
    private final List<Process> live = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Path pidFile;
    /** What each started process is, for running.pids: its log's name (herald-2-nodes-redis-node1, redis...). */
    private final Map<Process, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    /** Names of the running peer's processes, in the order their CPU is sampled ("node 1", "redis-server"...). */
    List<String> procNames = List.of("server");

    public static void main(String[] args) throws Exception {
        new BenchRunner(args).run();
    }

    BenchRunner(String[] args) throws IOException {
        // defaults: the full run (a 14.5 minute budget: about 17 minutes with the build)
        opts.put("peers", "ceiling,herald-jvm," + CLUSTER + ",herald-native,django-memory,django-redis");
        opts.put("scenarios", "startup,capacity,fanout,direct,scheduling");
        opts.put("sizes", "1000,5000,15000");
        opts.put("capacity", "19000");
        opts.put("pairs", "500");
        opts.put("warmMs", "1000");
        opts.put("measureMs", "2500");
        opts.put("drainMs", "2000");
        opts.put("maxSteps", "4");
        opts.put("maxLossPct", "0.5");
        opts.put("maxP99Ms", "500");
        opts.put("fanoutStart.herald", "40000");
        opts.put("fanoutStart.seed", "1000");
        opts.put("directStart.herald", "20000");
        opts.put("directStart.seed", "1000");
        opts.put("directWarmUpMs", "5000");
        opts.put("maxRate", "2000000");
        opts.put("connectConcurrency", "256");
        opts.put("capacityTimeoutMs", "90000");
        opts.put("connectTimeoutMs", "45000");
        opts.put("settleMaxMs", "20000");
        opts.put("schedTotal", "100000");
        opts.put("schedSpreadMs", "60000");
        opts.put("schedLeadMs", "15000");
        opts.put("schedReceivers", "10");
        opts.put("schedPeers", "herald-jvm,herald-jvm-disk,herald-jvm-fsync");
        opts.put("budgetMin", "14.5");
        opts.put("python", "/usr/bin/python3");
        opts.put("port.ceiling", "18081");
        opts.put("port.herald-jvm", "18080");
        opts.put("port.herald-native", "18082");
        opts.put("port.herald-jvm-disk", "18083");
        opts.put("port.herald-jvm-fsync", "18084");
        opts.put("port." + CLUSTER, "18085"); // node 1
        opts.put("port." + CLUSTER + ".2", "18086"); // node 2
        opts.put("port.redis-herald", "16400"); // the nodes' redis-server
        opts.put("port." + WIDE, "18090"); // node k on 18090 + k - 1
        opts.put("port.redis-wide", "16401"); // the wide peer's redis-server
        // the wide scenario (not in the default run: it needs the whole machine for minutes): generator processes,
        // sockets in all, handshakes in flight per generator and started per second in all (paced: a connect storm on
        // a loaded machine makes the nodes' Redis calls miss their 2 s timeout, close code 1011), and the fan-out
        // ladder of broadcasts to every socket
        opts.put("wideSockets", "60000");
        opts.put("wideNodes", "4");
        opts.put("wideGens", "4");
        opts.put("wideInFlight", "16");
        opts.put("wideConnectRate", "400");
        opts.put("wideConnectTimeoutMs", "900000");
        opts.put("wideHoldMs", "2000");
        opts.put("wideStart", "30000");
        opts.put("wideSteps", "5");
        opts.put("wideMaxP99Ms", "2000");
        opts.put("wideDrainMs", "4000");
        opts.put("wideGenHeap", "2g");
        opts.put("wideGenLoops", "2");
        opts.put("port.django-memory", "18000");
        opts.put("port.django-redis", "18001");
        opts.put("port.redis", "16399");
        // Herald runs in its prod profile with WARN logs; what would stop or throttle the harness is lifted by
        // configuration only: auth/Origin (no peer here authenticates), the per-connection send rate (a
        // publisher socket sends hundreds of frames/s), the slow-consumer backlog (connect storms of presence
        // frames exceed it), upgrades in progress from one address (the generator opens thousands at once from
        // 127.0.0.1), and the management port (a free one: no peer here reads /q/*, and 9000 would be shared).
        // Anything in HERALD_BENCH_OPTS / --heraldOpts comes after and wins.
        opts.put("heraldProps", "-Dherald.auth.enabled=false -Dherald.origins=* "
                + "-Dherald.limits.messages-per-second=1000000 -Dherald.limits.burst=1000000 "
                + "-Dherald.limits.abuse-threshold=1000000 -Dherald.limits.outbound-backlog=1000000 "
                + "-Dherald.limits.outbound-backlog-bytes=1G -Dherald.limits.upgrades-per-address=1000000 "
                + "-Dquarkus.management.port=0");
        opts.put("ceilingLoops", Integer.toString(2 * Runtime.getRuntime().availableProcessors())); // as Vert.x and Quarkus
        boolean smoke = Arrays.asList(args).contains("--smoke") || Boolean.getBoolean("bench.smoke");
        if (Arrays.asList(args).contains("--wide")) {
            // the wide run alone: N nodes on Redis, the start-up probe, then the wide scenario
            opts.put("peers", WIDE);
            opts.put("scenarios", "startup,wide");
            opts.put("budgetMin", "30");
        }
        if (smoke) {
            // a short run for development and for checking the harness: seconds per peer
            opts.put("sizes", "200,1000");
            opts.put("capacity", "2000");
            opts.put("pairs", "100");
            opts.put("warmMs", "500");
            opts.put("measureMs", "1500");
            opts.put("drainMs", "1500");
            opts.put("maxSteps", "3");
            opts.put("schedTotal", "2000");
            opts.put("schedSpreadMs", "5000");
            opts.put("schedLeadMs", "3000");
            opts.put("budgetMin", "7");
            opts.put("capacityTimeoutMs", "30000");
            opts.put("connectTimeoutMs", "20000");
            opts.put("settleMaxMs", "10000");
        }
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("bench.")) {
                opts.put(k.substring(6), System.getProperty(k));
            }
        }
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (!a.equals("--smoke") && !a.equals("--wide")) {
                throw new IllegalArgumentException("unknown argument " + a + " (use --key=value, --smoke or --wide)");
            }
        }
        opts.put("mode", smoke ? "smoke" : Arrays.asList(args).contains("--wide") ? "wide" : "full");
        root = Path.of(opts.getOrDefault("root", ".")).toAbsolutePath().normalize();
        out = root.resolve("target/bench");
        Files.createDirectories(out);
        pidFile = out.resolve("running.pids");
        deadline = System.nanoTime() + (long) (Double.parseDouble(opts.get("budgetMin")) * 60e9);
    }

    Map<String, String> opts() {
        return opts;
    }

    int i(String k) {
        return Integer.parseInt(opts.get(k).trim());
    }

    double d(String k) {
        return Double.parseDouble(opts.get(k).trim());
    }

    private Set<String> set(String k) {
        return Arrays.stream(opts.get(k).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    boolean outOfTime() {
        return System.nanoTime() > Math.min(deadline, peerDeadline);
    }

    /** Seconds left in the current peer's share of the budget. */
    long secondsLeft() {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(Math.min(deadline, peerDeadline) - System.nanoTime()));
    }

    /** Herald JVM runs the one-minute scheduling scenario too, so it gets a double share of the budget. */
    private double weight(String peer) {
        return set("schedPeers").contains(peer) && set("scenarios").contains("scheduling") ? 2 : 1;
    }

    void note(String s) {
        notes.add(s);
        log.println("  NOTE: " + s);
    }

    // ------------------------------------------------------------------ peers

    /** The peer of two Herald JVM nodes on one redis-server. */
    static final String CLUSTER = "herald-2-nodes-redis";
    /** The peer of {@code wideNodes} Herald JVM nodes on one redis-server, for the wide scenario; not in the default run. */
    static final String WIDE = "herald-redis-wide";

    /** Herald JVM nodes on one redis-server: the cluster peer's two, or the wide peer's {@code wideNodes}. */
    private boolean onRedis(String peer) {
        return peer.equals(CLUSTER) || peer.equals(WIDE);
    }

    /**
     * A started server: its processes (all measured together; {@code names} says which is which, e.g. "node 1",
     * "redis-server") and when the first of them was spawned.
     */
    record Server(List<Process> procs, List<String> names, long spawnNanos) {
        Server(List<Process> procs, long spawnNanos) {
            this(procs, procs.size() == 1 ? List.of("server") : List.of("daphne", "redis-server"), spawnNanos);
        }

        List<Long> pids() {
            return procs.stream().map(Process::pid).toList();
        }

        boolean alive() {
            return procs.stream().allMatch(Process::isAlive);
        }
    }

    /** Stops these processes, the last started first (a server before its redis-server), and forgets them. */
    void stop(List<Process> procs) {
        List<Process> order = new ArrayList<>(live.stream().filter(procs::contains).toList());
        java.util.Collections.reverse(order);
        procs.stream().filter(p -> !order.contains(p)).forEach(order::add);
        for (Process p : order) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            live.remove(p);
            names.remove(p);
        }
        writePids();
    }

    /** Stops everything this run started that is still running (a start that failed half-way, a shutdown). */
    private void stopLive() {
        if (!live.isEmpty()) {
            stop(List.copyOf(live));
        }
    }

    /** "pid starttime name" per live process: run.sh checks the start time, so it never stops a recycled pid. */
    private void writePids() {
        StringBuilder sb = new StringBuilder();
        for (Process p : live) {
            sb.append(p.pid()).append(' ').append(startTicks(p.pid())).append(' ').append(names.getOrDefault(p, "?"))
                    .append('\n');
        }
        try {
            Files.writeString(pidFile, sb);
        } catch (IOException e) {
            log.println("  (could not write " + pidFile + ": " + e + ")");
        }
    }

    /** Field 22 of /proc/pid/stat: when the process started, in clock ticks after boot. */
    private static String startTicks(long pid) {
        try {
            String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return st.substring(st.lastIndexOf(')') + 2).split(" ")[19];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private Dialect dialect(String peer) {
        return peer.startsWith("django") ? Dialect.SEED : Dialect.HERALD;
    }

    private final Map<String, Integer> ports = new java.util.HashMap<>();

    /** The configured port, or a free loopback port if something else (another developer's server) holds it. */
    private int port(String peer) {
        return ports.computeIfAbsent(peer, p -> {
            int want = i("port." + p);
            if (!listening(want)) {
                return want;
            }
            try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                note(p + ": port " + want + " is in use, using " + ss.getLocalPort());
                return ss.getLocalPort();
            } catch (IOException e) {
                return want;
            }
        });
    }

    /** The peer's ports: one per node (two for the cluster peer, {@code wideNodes} for the wide one). */
    private int[] ports(String peer) {
        if (peer.equals(WIDE)) {
            int[] p = new int[i("wideNodes")];
            for (int k = 0; k < p.length; k++) {
                String node = k == 0 ? peer : peer + "." + (k + 1);
                opts.putIfAbsent("port." + node, Integer.toString(i("port." + peer) + k));
                p[k] = port(node);
            }
            return p;
        }
        return peer.equals(CLUSTER) ? new int[]{port(peer), port(peer + ".2")} : new int[]{port(peer)};
    }

    private Path heraldJar() {
        return root.resolve(opts.getOrDefault("heraldJar", "target/quarkus-app/quarkus-run.jar"));
    }

    private Path nativeRunner() {
        if (opts.containsKey("heraldNative")) {
            return root.resolve(opts.get("heraldNative"));
        }
        File[] runners = root.resolve("target").toFile().listFiles(f -> f.getName().endsWith("-runner") && f.canExecute()
                && f.isFile());
        return runners == null || runners.length == 0 ? null : runners[0].toPath();
    }

    /** Why the peer cannot run here, or null. */
    private String unavailable(String peer) {
        switch (peer) {
            case "ceiling":
                return null;
            case "herald-jvm":
            case "herald-jvm-disk":
            case "herald-jvm-fsync":
            case CLUSTER:
            case WIDE:
                if (!Files.isRegularFile(heraldJar())) {
                    return "no " + root.relativize(heraldJar()) + " (run ./mvnw package -DskipTests first)";
                }
                return onRedis(peer) && which("redis-server") == null ? "no redis-server (apt-get install -y redis-server)"
                        : null;
            case "herald-native":
                return nativeRunner() != null ? null
                        : "no native executable target/*-runner (build one with ./mvnw package -Dnative -DskipTests)";
            case "django-memory":
            case "django-redis":
                String mods = peer.equals("django-redis") ? "daphne, channels, django, channels_redis" : "daphne, channels, django";
                try {
                    Process p = new ProcessBuilder(opts.get("python"), "-c", "import " + mods).redirectErrorStream(true).start();
                    String o = new String(p.getInputStream().readAllBytes());
                    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        return "python modules missing (" + o.strip().lines().reduce((a, b) -> b).orElse("") + "): "
                                + "apt-get install -y python3-django-channels daphne python3-channels-redis redis-server";
                    }
                } catch (IOException | InterruptedException e) {
                    return "no " + opts.get("python") + ": " + e.getMessage();
                }
                if (peer.equals("django-redis") && which("redis-server") == null) {
                    return "no redis-server (apt-get install -y redis-server)";
                }
                return null;
            default:
                return "unknown peer " + peer;
        }
    }

    private static String which(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, cmd);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, cmd);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Process spawn(List<String> cmd, Map<String, String> env, Path dir, String logName) throws IOException {
        return spawn(cmd, env, dir, logName, false);
    }

    /**
     * Starts a process, lists it in running.pids and logs its stderr to target/bench/{@code logName}; its stdout
     * too, unless {@code talk}: then stdin and stdout are pipes to this JVM (a wide scenario's generator).
     */
    Process spawn(List<String> cmd, Map<String, String> env, Path dir, String logName, boolean talk) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        if (talk) {
            pb.redirectError(out.resolve(logName).toFile());
        } else {
            pb.redirectErrorStream(true).redirectOutput(out.resolve(logName).toFile());
        }
        pb.environment().putAll(env);
        String shown = String.join(" ", cmd).replaceAll("-cp \\S+", "-cp <test classpath>");
        log.println("  $ " + shown + "   (log: target/bench/" + logName + ")");
        Process p = pb.start();
        names.put(p, logName.replace(".log", ""));
        live.add(p);
        writePids();
        return p;
    }

    private int dataDirs;
    /** The data directory of the Herald peer running now, or null. */
    private Path dataDir;

    /**
     * Herald's data directory: none for herald-jvm and herald-native (production's default, ./data, is unset), a
     * fresh one under target/bench for every start of herald-jvm-disk, the same with fsync on every commit for
     * herald-jvm-fsync.
     */
    private List<String> dataDirProps(String peer) throws IOException {
        if (!peer.equals("herald-jvm-disk") && !peer.equals("herald-jvm-fsync")) {
            dataDir = null;
            return List.of("-Dherald.data-dir=");
        }
        dataDir = out.resolve("data-" + peer + "-" + (++dataDirs));
        if (Files.exists(dataDir)) {
            try (Stream<Path> old = Files.walk(dataDir)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        List<String> props = new ArrayList<>(List.of("-Dherald.data-dir=" + dataDir));
        if (peer.equals("herald-jvm-fsync")) {
            props.add("-Dherald.data-dir-sync=true");
        }
        return props;
    }

    /** Notes how large the current peer's data directory has grown, if it has one. */
    private void noteDataDir(String peer, String after) {
        Path file = dataDir == null ? null : dataDir.resolve("herald.mv.db");
        if (file != null && Files.exists(file)) {
            try {
                note(String.format(Locale.ROOT, "%s: data directory %.1f MB after %s", peer, Files.size(file) / 1048576.0,
                        after));
            } catch (IOException e) {
                // not measured
            }
        }
    }

    private Server start(String peer) throws IOException {
        int port = port(peer);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> heraldProps = new ArrayList<>(List.of("-Dquarkus.log.level=WARN", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port));
        if (!opts.get("heraldProps").isBlank()) {
            heraldProps.addAll(Arrays.asList(opts.get("heraldProps").trim().split("\\s+")));
        }
        String extra = opts.getOrDefault("heraldOpts", System.getenv().getOrDefault("HERALD_BENCH_OPTS", ""));
        if (!extra.isBlank()) {
            heraldProps.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        switch (peer) {
            case "ceiling": {
                long t0 = System.nanoTime();
                List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xss512k"));
                String ceilingOpts = System.getenv().getOrDefault("CEILING_BENCH_JVM_OPTS", ""); // e.g. a JFR recording
                if (!ceilingOpts.isBlank()) {
                    cmd.addAll(Arrays.asList(ceilingOpts.trim().split("\\s+")));
                }
                // same JDK-specific flags as this JVM (e.g. --sun-misc-unsafe-memory-access=allow for Netty)
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("--sun-misc-unsafe-memory-access")).forEach(cmd::add);
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CeilingServer.class.getName(),
                        Integer.toString(port), opts.get("ceilingLoops")));
                Process p = spawn(cmd, Map.of(), root, peer + ".log");
                return new Server(List.of(p), t0);
            }
            case "herald-jvm":
            case "herald-jvm-disk":
            case "herald-jvm-fsync": {
                List<String> cmd = new ArrayList<>();
                cmd.add(javaBin);
                String jvmOpts = opts.getOrDefault("heraldJvmOpts", System.getenv().getOrDefault("HERALD_BENCH_JVM_OPTS", ""));
                if (!jvmOpts.isBlank()) {
                    cmd.addAll(Arrays.asList(jvmOpts.trim().split("\\s+")));
                }
                cmd.addAll(dataDirProps(peer));
                cmd.addAll(heraldProps);
                cmd.add("-jar");
                cmd.add(heraldJar().toString());
                long t0 = System.nanoTime();
                return new Server(List.of(spawn(cmd, Map.of(), root, peer + ".log")), t0);
            }
            case CLUSTER:
            case WIDE: {
                // one redis-server of its own (Debian's, nothing on disk), then the nodes on it; procs: nodes, then redis
                long t0 = System.nanoTime();
                int rport = port(peer.equals(WIDE) ? "redis-wide" : "redis-herald");
                List<String> redisCmd = new ArrayList<>(List.of(which("redis-server"), "--port", Integer.toString(rport), "--bind",
                        "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"));
                String redisArgs = peer.equals(WIDE) ? opts.getOrDefault("wideRedisArgs", "") : "";
                if (!redisArgs.isBlank()) {
                    // e.g. --client-output-buffer-limit pubsub 256mb 64mb 60 (redis-server joins the words of one option)
                    redisCmd.addAll(Arrays.asList(redisArgs.trim().split("\\s+")));
                }
                Process redis = spawn(redisCmd, Map.of(), out, peer + "-redis.log");
                awaitListening(rport, redis, "redis-server");
                List<Process> nodes = new ArrayList<>();
                int[] nodePorts = ports(peer);
                for (int k = 0; k < nodePorts.length; k++) {
                    List<String> cmd = new ArrayList<>();
                    cmd.add(javaBin);
                    String jvmOpts = opts.getOrDefault("heraldJvmOpts", System.getenv().getOrDefault("HERALD_BENCH_JVM_OPTS", ""));
                    if (!jvmOpts.isBlank()) {
                        cmd.addAll(Arrays.asList(jvmOpts.trim().split("\\s+")));
                    }
                    cmd.addAll(List.of("-Dherald.engine=redis", "-Dquarkus.redis.hosts=redis://127.0.0.1:" + rport,
                            "-Dherald.data-dir="));
                    // the same properties as herald-jvm, with this node's HTTP port
                    for (String prop : heraldProps) {
                        cmd.add(prop.startsWith("-Dquarkus.http.port=") ? "-Dquarkus.http.port=" + nodePorts[k] : prop);
                    }
                    cmd.add("-jar");
                    cmd.add(heraldJar().toString());
                    nodes.add(spawn(cmd, Map.of(), root, peer + "-node" + (k + 1) + ".log"));
                }
                List<Process> procs = new ArrayList<>(nodes);
                procs.add(redis);
                List<String> procNames = new ArrayList<>();
                for (int k = 1; k <= nodes.size(); k++) {
                    procNames.add("node " + k);
                }
                procNames.add("redis-server");
                return new Server(procs, procNames, t0);
            }
            case "herald-native": {
                List<String> cmd = new ArrayList<>();
                cmd.add(nativeRunner().toString());
                cmd.addAll(dataDirProps(peer));
                cmd.addAll(heraldProps);
                long t0 = System.nanoTime();
                return new Server(List.of(spawn(cmd, Map.of(), root, peer + ".log")), t0);
            }
            case "django-memory":
            case "django-redis": {
                List<Process> procs = new ArrayList<>();
                Map<String, String> env = new LinkedHashMap<>();
                env.put("DJANGO_SETTINGS_MODULE", "benchsite.settings");
                env.put("PYTHONPATH", root.resolve("src/test/bench/django").toString());
                env.put("PYTHONDONTWRITEBYTECODE", "1");
                env.put("BENCH_CHANNEL_LAYER", peer.equals("django-redis") ? "redis" : "memory");
                if (peer.equals("django-redis")) {
                    int rport = port("redis");
                    Process redis = spawn(List.of(which("redis-server"), "--port", Integer.toString(rport), "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"), Map.of(), out,
                            "redis.log");
                    procs.add(redis);
                    awaitListening(rport, redis, "redis-server");
                    env.put("BENCH_REDIS_URL", "redis://127.0.0.1:" + rport + "/0");
                }
                long t0 = System.nanoTime();
                procs.add(spawn(List.of(opts.get("python"), "-m", "daphne", "-b", "127.0.0.1", "-p", Integer.toString(port),
                        "-v", "0", "benchsite.asgi:application"), env, root.resolve("src/test/bench/django"), peer + ".log"));
                // measure Daphne first, then redis
                List<Process> ordered = new ArrayList<>(procs);
                java.util.Collections.reverse(ordered);
                return new Server(ordered, t0);
            }
            default:
                throw new IllegalArgumentException(peer);
        }
    }

    /** Waits (10 s at most) until {@code proc} listens on {@code port}; fails if it exits or does not. */
    private static void awaitListening(int port, Process proc, String what) throws IOException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (!proc.isAlive() || System.nanoTime() > until) {
                throw new IOException(what + " is not listening on port " + port + (proc.isAlive() ? " after 10 s" : " (it exited)"));
            }
            LoadGen.sleepMs(50);
        }
    }

    // ------------------------------------------------------------------ the run

    void run() throws Exception {
        // a run that is interrupted (Ctrl-C, timeout) still stops every process it started
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopLive));
        writePids();
        log.println("# Herald benchmark (" + opts.get("mode") + " run) " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        log.println("machine: " + machine());
        log.println("options: " + opts);
        Set<String> scenarios = set("scenarios");
        List<String> peers = new ArrayList<>();
        for (String peer : set("peers")) {
            String why = unavailable(peer);
            if (why != null) {
                note(peer + ": skipped: " + why);
            } else {
                peers.add(peer);
            }
        }
        for (int k = 0; k < peers.size(); k++) {
            String peer = peers.get(k);
            // each peer gets its share of what is left, so a slow peer cannot starve the ones after it
            double rest = peers.subList(k, peers.size()).stream().mapToDouble(this::weight).sum();
            peerDeadline = System.nanoTime() + (long) ((deadline - System.nanoTime()) * weight(peer) / rest);
            if (System.nanoTime() > deadline) {
                note(peer + ": skipped, time budget (" + opts.get("budgetMin") + " min) used up");
                continue;
            }
            log.println();
            log.println("== " + peer + " (" + secondsLeft() + " s of its budget share)");
            Server server = null;
            try (LoadGen gen = new LoadGen(dialect(peer), ports(peer))) {
                server = start(peer);
                if (runsScheduling(peer, scenarios)) {
                    // on a process of its own: its 100 000 messages would otherwise still fill the heap the
                    // fan-out then runs on, which no other peer has to carry
                    if (ready(peer, server, gen, false)) {
                        scheduling(peer, gen, server.pids());
                    }
                    stop(server.procs());
                    noteDataDir(peer, "scheduling");
                    LoadGen.sleepMs(1000);
                    server = start(peer);
                }
                runPeer(peer, server, gen, scenarios);
            } catch (Exception e) {
                note(peer + ": aborted: " + e);
                e.printStackTrace(log);
            } finally {
                if (server != null) {
                    if (!server.alive()) {
                        note(peer + ": a server process exited during the run (see target/bench/" + peer
                                + (server.procs().size() > 1 ? "*" : "") + ".log)");
                    }
                    stop(server.procs());
                    noteDataDir(peer, String.join(", ", scenarios));
                }
                stopLive(); // what a start that failed half-way left running (a redis-server without its nodes)
            }
            LoadGen.sleepMs(1000);
        }
        report();
    }

    private boolean runsScheduling(String peer, Set<String> scenarios) {
        if (!scenarios.contains("scheduling") || !set("schedPeers").contains(peer) || dialect(peer) != Dialect.HERALD
                || peer.equals("ceiling")) {
            return false;
        }
        long need = (i("schedLeadMs") + i("schedSpreadMs")) / 1000 + 20;
        if (secondsLeft() < need) {
            note(peer + ": scheduling skipped, needs " + need + " s, " + secondsLeft() + " s of budget left");
            return false;
        }
        return true;
    }

    /** Waits for the first message delivered back to a probe socket; records start-up when asked. */
    private boolean ready(String peer, Server server, LoadGen gen, boolean record) {
        long at = -1;
        for (int node = 0; node < gen.ports.length; node++) {
            // every node must deliver: start-up is when the last one does
            at = gen.firstDelivery(node == 0 ? "probe" : "probe-" + node, node, 90_000, server::alive);
            if (at < 0) {
                note(peer + ": " + (server.alive() ? "no message delivered within 90 s of start" : "a server process exited")
                        + (gen.ports.length > 1 ? " (probe of node " + (node + 1) + ")" : "") + "; see target/bench/" + peer
                        + "*.log");
                return false;
            }
        }
        double startMs = (at - server.spawnNanos()) / 1e6;
        long rss0 = ProcStats.rssKb(server.pids());
        log.printf(Locale.ROOT, "  start-up: first delivery %.0f ms after spawn, RSS %.1f MB%n", startMs, rss0 / 1024.0);
        if (record) {
            startupRows.add(new String[]{peer, f0(startMs), mb(rss0)});
        }
        return true;
    }

    private void runPeer(String peer, Server server, LoadGen gen, Set<String> scenarios) {
        List<Long> pids = server.pids();
        procNames = server.names();
        // start-up: spawn -> first message delivered back to a probe socket (always run: it is the readiness check)
        if (!ready(peer, server, gen, scenarios.contains("startup"))) {
            return;
        }
        if (scenarios.contains("fanout")) {
            fanout(peer, gen, pids);
        }
        if (scenarios.contains("direct") && !outOfTime()) {
            direct(peer, gen, pids);
        }
        if (scenarios.contains("capacity")) {
            if (outOfTime()) {
                note(peer + ": capacity skipped (time budget)");
            } else {
                capacity(peer, gen, pids);
            }
        }
        if (scenarios.contains("wide")) {
            if (dialect(peer) != Dialect.HERALD) {
                note(peer + ": wide skipped (Herald's protocol only)");
            } else if (outOfTime()) {
                note(peer + ": wide skipped (time budget)");
            } else {
                new WideScenario(this, peer, server, gen).run();
            }
        }
    }

    /**
     * Waits (bounded) until the server's CPU use over 500 ms falls under 15 % of a core: after sockets close,
     * a server may still be busy (presence events, cleanup) and would otherwise slow the next scenario.
     */
    private void settle(List<Long> pids) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(i("settleMaxMs"));
        long start = System.nanoTime();
        while (System.nanoTime() < until) {
            ProcStats.Sample a = ProcStats.Sample.take(pids);
            LoadGen.sleepMs(500);
            if (a.serverPct(ProcStats.Sample.take(pids)) < 15) {
                break;
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        if (s > 2) {
            log.printf(Locale.ROOT, "    (server busy for %.1f s after the sockets closed)%n", s);
        }
    }

    private boolean isJvm(String peer) {
        return peer.equals("ceiling") || peer.startsWith("herald-jvm") || onRedis(peer);
    }

    /**
     * RSS of a JVM peer after a full GC (jcmd GC.run), which also shrinks and uncommits the heap: so RSS follows
     * what is live rather than how far the heap grew. -1 for non-JVM peers or if jcmd fails.
     */
    private long rssAfterGc(String peer, List<Long> pids) {
        if (!isJvm(peer) || !fullGc(pids)) {
            return -1;
        }
        LoadGen.sleepMs(1000);
        return ProcStats.rssKb(pids);
    }

    /** A full GC ({@code jcmd <pid> GC.run}) in each of these processes that is a JVM; false if one failed. */
    static boolean fullGc(List<Long> pids) {
        try {
            for (long pid : pids) {
                if (!ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("/java")).orElse(false)) {
                    continue; // the cluster's redis-server
                }
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    return false;
                }
            }
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * With {@code --capacityDump=true}, a JVM peer's class histogram, heap info and (when it runs with
     * {@code -XX:NativeMemoryTracking=summary}) native memory summary, and (when it runs a flight recording, e.g.
     * {@code -XX:StartFlightRecording=settings=profile,path-to-gc-roots=true}) that recording, written to
     * target/bench/&lt;peer&gt;-capacity-&lt;when&gt;-*: what holds the bytes per socket. {@code --capacityDump=heap}
     * adds a heap dump (.hprof).
     */
    private void dumpMemory(String peer, List<Long> pids, String when) {
        String dump = opts.getOrDefault("capacityDump", "false");
        if (!isJvm(peer) || !(dump.equals("true") || dump.equals("heap"))) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (String[] c : List.of(new String[]{"histo", "GC.class_histogram"}, new String[]{"heap", "GC.heap_info"},
                new String[]{"nmt", "VM.native_memory", "summary"},
                new String[]{"jfr", "JFR.dump", "filename=" + out.resolve(peer + "-capacity-" + when + ".jfr")},
                new String[]{"dump", "GC.heap_dump", dump.equals("heap") ? out.resolve(peer + "-capacity-" + when + ".hprof").toString() : ""})) {
            if (c[c.length - 1].isEmpty()) {
                continue;
            }
            List<String> cmd = new ArrayList<>(List.of(jcmd, Long.toString(pids.get(0))));
            cmd.addAll(Arrays.asList(c).subList(1, c.length));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(out.resolve(peer + "-capacity-" + when + "-" + c[0] + ".txt").toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                log.println("    (" + String.join(" ", cmd) + " failed: " + e + ")");
            }
        }
        log.println("    memory of " + peer + " " + when + ": target/bench/" + peer + "-capacity-" + when + "-*.txt");
    }

    private void capacity(String peer, LoadGen gen, List<Long> pids) {
        int target = i("capacity");
        long gcBefore = rssAfterGc(peer, pids);
        long rssBefore = gcBefore > 0 ? gcBefore : ProcStats.rssKb(pids);
        dumpMemory(peer, pids, "before");
        ProcStats.Sample s0 = ProcStats.Sample.take(pids);
        long timeoutMs = Math.min(secondsLeft() * 1000, i("capacityTimeoutMs"));
        long closesStart = gen.closes.get();
        log.println("  capacity: opening " + target + " idle sockets (timeout " + timeoutMs / 1000 + " s)");
        LoadGen.Opened o = gen.openMany("cap", target, false, i("connectConcurrency"), timeoutMs,
                n -> {
                    if (n % 5000 == 0) {
                        log.printf(Locale.ROOT, "    %d open, server RSS %.0f MB%n", n, ProcStats.rssKb(pids) / 1024.0);
                    }
                });
        ProcStats.Sample s1 = ProcStats.Sample.take(pids);
        LoadGen.sleepMs(2000); // let the server settle; then check every socket still gets a message
        long rssAfter = ProcStats.rssKb(pids);
        long rssGc = rssAfterGc(peer, pids);
        dumpMemory(peer, pids, "after");
        long closes0 = gen.closes.get();
        int opened = o.conns().size();
        List<Conn> stillOpen = o.conns().stream().filter(c -> c.open).toList();
        long held = stillOpen.isEmpty() ? 0 : gen.verifyBroadcast(stillOpen.get(0), stillOpen.size(), 20_000);
        long closedByServer = gen.closes.get() - closesStart;
        double kbPer = opened == 0 ? 0 : ((rssGc > 0 ? rssGc : rssAfter) - rssBefore) / (double) opened;
        String noteTxt = (o.timedOut() ? "connect phase timed out; " : "") + (o.failed() > 0 ? o.failed() + " failed; " : "")
                + (closedByServer > 0 ? closedByServer + " closed by the server (" + LoadGen.closeCodes(o.conns()) + "); " : "")
                + (held < opened ? (opened - held) + " did not get the broadcast; " : "");
        log.printf(Locale.ROOT, "  capacity: %d/%d open in %.1f s, %d got the broadcast, RSS %.0f -> %.0f MB (after full GC %s MB; %.1f KB/conn) %s%n",
                opened, target, o.seconds(), held, rssBefore / 1024.0, rssAfter / 1024.0, rssGc > 0 ? mb(rssGc) : "-", kbPer, noteTxt);
        capacityRows.add(new String[]{peer, Integer.toString(target), Integer.toString(opened), Long.toString(closedByServer),
                Long.toString(held),
                f1(o.seconds()), f0(opened / Math.max(0.001, o.seconds())), mb(rssBefore), mb(rssAfter),
                rssGc > 0 ? mb(rssGc) : "-", f1(kbPer),
                f0(s0.serverPct(s1)), f0(s0.selfPct(s1)), noteTxt.isEmpty() ? "" : noteTxt.strip()});
        gen.closeAll(o.conns());
        if (gen.closes.get() > closes0) {
            log.println("    (" + (gen.closes.get() - closes0) + " closed by the server while held)");
        }
        settle(pids);
    }

    Timing timing(double pubPerSec) {
        // at least ~4 messages in the measured window, at most 12 s
        long measure = Math.max(i("measureMs"), Math.min(12_000, (long) (4000 / Math.max(0.01, pubPerSec))));
        return new Timing(i("warmMs"), measure, i("drainMs"));
    }

    private Criteria criteria() {
        return new Criteria(d("maxLossPct"), d("maxP99Ms"));
    }

    private void fanout(String peer, LoadGen gen, List<Long> pids) {
        boolean seed = dialect(peer) == Dialect.SEED;
        double start = d(seed ? "fanoutStart.seed" : "fanoutStart.herald");
        boolean warmed = false;
        int stepNo = 0;
        String failedAt = null;
        for (String sz : set("sizes")) {
            if (outOfTime()) {
                note(peer + ": fan-out " + sz + " skipped (time budget)");
                continue;
            }
            if (failedAt != null) {
                // a bigger room cannot pass where a smaller one did not: its time goes to the later scenarios
                note(peer + ": fan-out " + sz + " skipped: no step passed with " + failedAt + " sockets");
                continue;
            }
            int n = Integer.parseInt(sz);
            log.println("  fan-out " + n + ": opening sockets and joining room " + LoadGen.ROOM);
            LoadGen.Opened o = gen.openMany("f" + n, n, true, i("connectConcurrency"),
                    Math.min(secondsLeft() * 1000, i("connectTimeoutMs")), null);
            List<Conn> opened = o.conns();
            log.printf(Locale.ROOT, "    %d/%d joined in %.1f s%n", opened.size(), n, o.seconds());
            if (opened.size() < n) {
                note(peer + ": fan-out " + n + ": only " + opened.size() + " sockets joined (" + o.failed() + " failed"
                        + (o.timedOut() ? ", timed out" : "") + ")");
            }
            LoadGen.sleepMs(300);
            gen.quiesce(300, 5000);
            // the room is the sockets still open: one the server closed after joining (e.g. 1011 when the nodes' Redis
            // did not answer in time during the connect storm) can neither publish nor receive
            List<Conn> conns = opened.stream().filter(c -> c.open).toList();
            if (conns.size() < opened.size()) {
                note(peer + ": fan-out " + n + ": " + (opened.size() - conns.size()) + " joined sockets were closed by the server "
                        + "before the first step (" + LoadGen.closeCodes(opened) + "); the room is the " + conns.size() + " left");
            }
            if (conns.isEmpty()) {
                gen.closeAll(opened);
                continue;
            }
            int size = conns.size();
            if (!warmed) {
                int w = ++stepNo;
                Step s = gen.fanoutStep("warm-up", conns, w, start, new Timing(1000, 2000, 2000), pids);
                log.println("    " + stepLine(s, criteria().pass(s)) + "  (warm-up, not reported)");
                gen.quiesce(300, 6_000);
                warmed = true;
            }
            int[] no = {stepNo};
            List<Step> steps = LoadGen.ladder(rate -> {
                        Step s = gen.fanoutStep("fanout", conns, ++no[0], rate, timing(rate / size), pids);
                        gen.quiesce(300, 6_000);
                        return s;
                    }, start, Math.max(100, size * 0.25), d("maxRate"), i("maxSteps"), criteria(),
                    s -> log.println("    " + stepLine(s, criteria().pass(s))), this::outOfTime);
            stepNo = no[0];
            summarize(peer, "fanout", size, steps, fanoutRows);
            if (conns.stream().anyMatch(c -> c.closedWith != null)) {
                note(peer + ": fan-out " + size + ": sockets closed by the server during the steps: " + LoadGen.closeCodes(conns));
            }
            Step best = best(steps);
            if (best != null) {
                start = best.offered(); // the next size starts where this one topped out
            } else if (!steps.isEmpty()) {
                failedAt = Integer.toString(size);
            }
            gen.closeAll(opened);
            settle(pids);
        }
    }

    private void direct(String peer, LoadGen gen, List<Long> pids) {
        // --echo=false: the pairs connect and send as herald.js does (the probe and fan-out keep their own copies);
        // --ref=true: each message with a ref, answered by an ack besides the copy (herald.js before echo=false)
        gen.echo = !"false".equals(opts.get("echo"));
        gen.ref = !gen.echo || "true".equals(opts.get("ref"));
        try {
            directPairs(peer, gen, pids);
        } finally {
            gen.echo = true;
            gen.ref = false;
        }
    }

    private void directPairs(String peer, LoadGen gen, List<Long> pids) {
        boolean seed = dialect(peer) == Dialect.SEED;
        int pairs = i("pairs");
        log.println("  direct: opening " + pairs + " pairs" + (gen.echo ? "" : " (echo=false, each message with a ref)"));
        LoadGen.Opened o = gen.openMany("d", pairs * 2, false, i("connectConcurrency"),
                Math.min(secondsLeft() * 1000, i("connectTimeoutMs")), null);
        List<Conn> all = o.conns();
        // pair up by name: d-2k pings d-(2k+1)
        Map<String, Conn> byName = all.stream().collect(Collectors.toMap(c -> c.user, c -> c));
        List<Conn> pingers = new ArrayList<>();
        for (int k = 0; k < pairs; k++) {
            Conn a = byName.get("d-" + (2 * k));
            Conn b = byName.get("d-" + (2 * k + 1));
            if (a != null && b != null && a.open && b.open) {
                a.role = LoadGen.PINGER;
                a.partner = b.user;
                a.partnerNode = b.node;
                b.role = LoadGen.RESPONDER;
                b.partner = a.user;
                b.partnerNode = a.node; // on two nodes, d-2k is on node 1 and d-(2k+1) on node 2: every pair crosses
                pingers.add(a);
            }
        }
        if (pingers.size() < pairs) {
            note(peer + ": direct: only " + pingers.size() + " complete pairs" + (LoadGen.closeCodes(all).isEmpty() ? ""
                    : " (closed by the server: " + LoadGen.closeCodes(all) + ")"));
        }
        if (!pingers.isEmpty()) {
            LoadGen.sleepMs(300);
            gen.quiesce(300, 5000);
            int[] no = {500};
            double start = d(seed ? "directStart.seed" : "directStart.herald");
            // Unmeasured: a JVM server (or the ceiling) still compiling its hot paths would fail the first rung
            // that a native one, compiled ahead of time, passes.
            gen.directStep("warm-up", pingers, ++no[0], start / 2, new Timing(0, i("directWarmUpMs"), i("drainMs")), pids);
            gen.quiesce(300, 6_000);
            List<Step> steps = LoadGen.ladder(rate -> {
                        Step s = gen.directStep("direct", pingers, ++no[0], rate, timing(rate), pids);
                        gen.quiesce(300, 6_000);
                        return s;
                    }, start, 100, d("maxRate"), i("maxSteps"), criteria(),
                    s -> log.println("    " + stepLine(s, criteria().pass(s))), this::outOfTime);
            summarize(peer, "direct", pingers.size(), steps, directRows);
            if (!LoadGen.closeCodes(all).isEmpty()) {
                note(peer + ": direct: sockets closed by the server: " + LoadGen.closeCodes(all));
            }
        }
        gen.closeAll(all);
        settle(pids);
    }

    private void scheduling(String peer, LoadGen gen, List<Long> pids) {
        int receivers = i("schedReceivers");
        LoadGen.Opened o = gen.openMany("sched", receivers, false, receivers, 20_000, null);
        if (o.conns().isEmpty()) {
            note(peer + ": scheduling: no receiver connected");
            return;
        }
        int total = i("schedTotal");
        log.printf(Locale.ROOT, "  scheduling: POST %d messages due over %d s starting in %d s, to %d users%n", total,
                i("schedSpreadMs") / 1000, i("schedLeadMs") / 1000, o.conns().size());
        LoadGen.Sched s = gen.scheduling(o.conns(), total, i("schedLeadMs"), i("schedSpreadMs"), 32, pids, 5000);
        Histo h = s.lateness();
        String noteTxt = (s.postFailed() > 0 ? s.postFailed() + " POSTs failed"
                + (s.firstError() != null ? " (first: " + trim(s.firstError(), 120) + ")" : "") + "; " : "")
                + (s.notPostedInTime() > 0 ? s.notPostedInTime() + " not posted: POSTs fell behind the due times; " : "")
                + (s.posted() > s.delivered() ? (s.posted() - s.delivered()) + " never delivered; " : "");
        log.printf(Locale.ROOT, "  scheduling: posted %d in %.1f s, delivered %d, dupes %d, early %d, late p50 %s p99 %s max %s ms %s%n",
                s.posted(), s.postSeconds(), s.delivered(), s.dupes(), s.early(), ms(h.percentile(0.5)),
                ms(h.percentile(0.99)), ms(h.max()), noteTxt);
        schedRows.add(new String[]{peer, Integer.toString(total), Long.toString(s.posted()),
                f0(s.posted() / Math.max(0.001, s.postSeconds())), Long.toString(s.delivered()), Long.toString(s.dupes()),
                Long.toString(s.early()), ms(h.percentile(0.5)), ms(h.percentile(0.99)), ms(h.max()), f0(s.srvCpu()),
                mb(s.srvRssKb()), noteTxt.strip()});
        gen.closeAll(o.conns());
    }

    // ------------------------------------------------------------------ reporting

    Step best(List<Step> steps) {
        return best(steps, criteria());
    }

    static Step best(List<Step> steps, Criteria crit) {
        return steps.stream().filter(crit::pass).max((a, b) -> Double.compare(a.offered(), b.offered())).orElse(null);
    }

    void summarize(String peer, String scenario, int size, List<Step> steps, List<String[]> rows) {
        summarize(peer, scenario, size, steps, rows, criteria());
    }

    /** The ladder's row (its highest passing step), every step to the every-step table, and its CPU by process. */
    void summarize(String peer, String scenario, int size, List<Step> steps, List<String[]> rows, Criteria crit) {
        Step best = best(steps, crit);
        Step top = steps.stream().max((a, b) -> Double.compare(a.deliveredPerSec(), b.deliveredPerSec())).orElse(null);
        String ladder = steps.stream().map(s -> compact(s.offered()) + (crit.pass(s) ? "✓" : "✗"))
                .collect(Collectors.joining(" "));
        Step shown = best != null ? best : top;
        if (shown == null) {
            rows.add(new String[]{peer, Integer.toString(size), "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", ladder,
                    "no step ran"});
            return;
        }
        String noteTxt = (best == null ? "no step passed: row is the step with the most deliveries; " : "")
                + cpuNote(shown) + (shown.closes() > 0 ? shown.closes() + " sockets closed by server; " : "")
                + (shown.errors() > 0 ? shown.errors() + " error frames; " : "");
        Histo h = shown.latency();
        rows.add(new String[]{peer, Integer.toString(size), f0(shown.offered()), f0(shown.deliveredPerSec()),
                f2(shown.lossPct()), ms(h.percentile(0.5)), ms(h.percentile(0.99)), ms(h.max()), f0(shown.genCpu()),
                f0(shown.srvCpu()), f1(srvMicros(shown)), f0(shown.otherCpu()), mb(shown.srvRssKb()),
                top == null ? "-" : f0(top.deliveredPerSec()), ladder, noteTxt.strip()});
        for (Step s : steps) {
            Histo l = s.latency();
            stepRows.add(new String[]{peer, s.scenario(), Integer.toString(s.conns()), f0(s.offered()),
                    f0(s.deliveredPerSec()), f2(s.lossPct()), ms(l.percentile(0.5)), ms(l.percentile(0.99)),
                    ms(l.percentile(0.999)), ms(l.max()), f0(s.genCpu()), f0(s.srvCpu()), f1(srvMicros(s)), f0(s.otherCpu()),
                    mb(s.srvRssKb()),
                    Long.toString(s.closes()), Long.toString(s.errors()), f1(s.publishLagMs()), f1(genMicros(s)),
                    crit.pass(s) ? "pass" : "FAIL", byProcess(s), s.deliveredByNode().length < 2 ? ""
                    : Arrays.stream(s.deliveredByNode()).mapToObj(Long::toString).collect(Collectors.joining(";"))});
        }
        if (shown.srvCpuEach().length > 1) {
            processRows.add(processRow(peer, scenario, size, shown));
        }
    }

    /** "node 1=41;node 2=39;redis-server=22": CPU % of each server process of a peer of several; "" for one. */
    private String byProcess(Step s) {
        double[] each = s.srvCpuEach();
        if (each.length < 2) {
            return "";
        }
        return java.util.stream.IntStream.range(0, each.length)
                .mapToObj(k -> (k < procNames.size() ? procNames.get(k) : "process " + (k + 1)) + "=" + f0(each[k]))
                .collect(Collectors.joining(";"));
    }

    /**
     * Server CPU by process for a peer of several (the cluster's nodes and its redis-server; Daphne and its
     * redis-server): the nodes' CPU summed and per node, each per delivery its sockets received, and redis-server's
     * apart, per delivery of the whole peer.
     */
    private String[] processRow(String peer, String scenario, int size, Step s) {
        double[] each = s.srvCpuEach();
        long[] byNode = s.deliveredByNode();
        double nodesCpu = 0;
        double redisCpu = 0;
        List<String> nodeCpu = new ArrayList<>();
        List<String> nodeRate = new ArrayList<>();
        List<String> nodeMicros = new ArrayList<>();
        int node = 0;
        for (int k = 0; k < each.length; k++) {
            if (k < procNames.size() && procNames.get(k).equals("redis-server")) {
                redisCpu += each[k];
                continue;
            }
            nodesCpu += each[k];
            nodeCpu.add(f0(each[k]));
            double rate = node < byNode.length && s.seconds() > 0 ? byNode[node] / s.seconds() : 0;
            nodeRate.add(f0(rate));
            nodeMicros.add(rate <= 0 ? "-" : f1(each[k] / 100.0 * 1e6 / rate));
            node++;
        }
        double d = s.deliveredPerSec();
        return new String[]{peer, scenario, Integer.toString(size), f0(d), f1(srvMicros(s)),
                d <= 0 ? "-" : f1(nodesCpu / 100.0 * 1e6 / d), String.join(" / ", nodeCpu), String.join(" / ", nodeRate),
                String.join(" / ", nodeMicros), f0(redisCpu), d <= 0 ? "-" : f1(redisCpu / 100.0 * 1e6 / d)};
    }

    /**
     * Server CPU per delivered message, in microseconds: what a delivery costs the server, which the rate ladder's
     * pass/fail, moved by the shared cores' noise, shows only roughly.
     */
    static double srvMicros(Step s) {
        double d = s.deliveredPerSec();
        return d <= 0 ? 0 : s.srvCpu() / 100.0 * 1e6 / d;
    }

    /** Generator CPU per delivered message, in microseconds (its headroom: 1e6 / this = msgs/s per core). */
    static double genMicros(Step s) {
        double d = s.deliveredPerSec();
        return d <= 0 ? 0 : s.genCpu() / 100.0 * 1e6 / d;
    }

    private static String cpuNote(Step s) {
        String n = "";
        if (s.otherCpu() >= 30) {
            n += "other processes used " + f0(s.otherCpu()) + "% CPU; ";
        }
        if (s.genCpu() + s.srvCpu() + s.otherCpu() >= 180) {
            n += "machine CPU-bound; ";
        }
        return n;
    }

    String stepLine(Step s, boolean pass) {
        Histo h = s.latency();
        return String.format(Locale.ROOT,
                "%-7s n=%-5d offered %9.0f/s delivered %9.0f/s lost %5.2f%% p50 %7s p99 %7s max %7s ms | gen %3.0f%% (%.1f µs/msg) srv %3.0f%% other %3.0f%% rss %5.0f MB | closes %d err %d lag %.1f ms %s",
                s.scenario(), s.conns(), s.offered(), s.deliveredPerSec(), s.lossPct(), ms(h.percentile(0.5)),
                ms(h.percentile(0.99)), ms(h.max()), s.genCpu(), genMicros(s), s.srvCpu(), s.otherCpu(), s.srvRssKb() / 1024.0, s.closes(), s.errors(),
                s.publishLagMs(), pass ? "pass" : "FAIL") + (s.srvCpuEach().length > 1 ? " [" + byProcess(s).replace(";", ", ") + " %]" : "");
    }

    private void report() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("## Herald benchmark — ").append(opts.get("mode")).append(" run, ")
                .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append("\n\n");
        md.append("Machine: ").append(machine()).append(". Generator: this JVM, ")
                .append(Integer.getInteger("bench.genLoops", Runtime.getRuntime().availableProcessors()))
                .append(" Vert.x event loops. CPU % is of one core (200 % = both cores). Pass = loss ≤ ")
                .append(opts.get("maxLossPct")).append(" %, p99 ≤ ").append(opts.get("maxP99Ms"))
                .append(" ms, no socket closed.\n\n");
        table(md, "Start-up (spawn → first message delivered back to a probe socket)",
                new String[]{"peer", "first delivery ms", "RSS MB"}, startupRows);
        table(md, "Capacity (idle sockets; held = got one broadcast afterwards)",
                new String[]{"peer", "target", "opened", "closed by server", "held", "connect s", "conn/s", "RSS before MB", "RSS after MB",
                        "RSS after GC MB", "KB/conn", "srv CPU %", "gen CPU %", "note"}, capacityRows);
        String[] ladderCols = {"peer", "%s", "offered/s", "delivered/s", "lost %", "p50 ms", "p99 ms", "max ms", "gen CPU %",
                "srv CPU %", "srv µs/msg", "other CPU %", "srv RSS MB", "max delivered/s", "ladder (offered/s)", "note"};
        String[] fan = ladderCols.clone();
        fan[1] = "conns";
        table(md, "Fan-out (one room, fixed-rate publisher; highest passing step; latency publish→receive)", fan, fanoutRows);
        String[] dir = ladderCols.clone();
        dir[1] = "pairs";
        dir[2] = "offered msgs/s";
        dir[3] = "msgs/s";
        dir[5] = "RTT p50 ms";
        dir[6] = "RTT p99 ms";
        dir[7] = "RTT max ms";
        table(md, "Direct messages (pairs ping-pong at a fixed total rate; msgs/s counts both directions"
                + ("false".equals(opts.get("echo")) ? "; echo=false and a ref on each, as herald.js sends"
                        : "true".equals(opts.get("ref")) ? "; a ref on each: an ack and the copy back to the sender" : "")
                + ")",
                dir, directRows);
        table(md, "Server CPU by process (peers of several processes; the step shown above; node µs/msg = the node's CPU per "
                        + "delivery to its own sockets, the others per delivery of the whole peer)",
                new String[]{"peer", "scenario", "conns / pairs", "delivered/s", "srv µs/msg (all)", "nodes µs/msg (sum)",
                        "node CPU %", "node delivered/s", "node µs/msg", "redis CPU %", "redis µs/msg"}, processRows);
        if (!wideRows.isEmpty() || set("scenarios").contains("wide")) {
            table(md, "Wide capacity (idle sockets from several generator processes over several Herald nodes; held = got "
                            + "one broadcast afterwards; RSS of the nodes after a full GC, KB per socket over all nodes)",
                    new String[]{"peer", "nodes", "generators", "target", "opened", "failed", "closed by server", "held",
                            "connect s", "conn/s", "nodes RSS before MB", "nodes RSS after MB", "nodes RSS after GC MB",
                            "nodes KB/socket", "redis RSS before MB", "redis RSS after MB", "redis KB/socket",
                            "generators RSS MB", "note"}, wideRows);
            String[] wideFan = ladderCols.clone();
            wideFan[1] = "sockets";
            table(md, "Wide fan-out (one broadcast to every socket, fixed rate; highest passing step: loss ≤ "
                    + opts.get("maxLossPct") + " %, p99 ≤ " + opts.get("wideMaxP99Ms") + " ms, no socket closed; gen CPU % is "
                    + "the publisher and every generator process)", wideFan, wideFanoutRows);
            table(md, "Wide fan-out, every step (CPU % of each process: one core = 100)",
                    new String[]{"peer", "sockets", "broadcasts/s", "offered/s", "delivered/s", "lost %", "p50 ms", "p99 ms",
                            "max ms", "node CPU %", "redis CPU %", "publisher CPU %", "generator CPU %", "other CPU %",
                            "srv µs/msg", "closes", "result"}, wideStepRows);
        }
        table(md, "Scheduling (HTTP POST with deliverAt; lateness = receive − due, wall clock)",
                new String[]{"peer", "messages", "posted", "POST/s", "delivered", "dupes", "early", "late p50 ms",
                        "late p99 ms", "late max ms", "srv CPU %", "srv RSS MB", "note"}, schedRows);
        table(md, "Every step", new String[]{"peer", "scenario", "conns", "offered/s", "delivered/s", "lost %", "p50 ms",
                "p99 ms", "p99.9 ms", "max ms", "gen CPU %", "srv CPU %", "srv µs/msg", "other CPU %", "srv RSS MB", "closes", "errors",
                "publish lag ms", "gen µs/msg", "result", "srv CPU % by process", "delivered by node"}, stepRows);
        if (!notes.isEmpty()) {
            md.append("Notes:\n\n");
            for (String n : notes) {
                md.append("- ").append(n).append('\n');
            }
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path mdFile = out.resolve("results-" + stamp + ".md");
        Files.writeString(mdFile, md);
        StringBuilder csv = new StringBuilder("peer,scenario,conns,offered_per_s,delivered_per_s,lost_pct,p50_ms,p99_ms,"
                + "p999_ms,max_ms,gen_cpu_pct,srv_cpu_pct,srv_us_per_msg,other_cpu_pct,srv_rss_mb,closes,errors,publish_lag_ms,gen_us_per_msg,result,"
                + "srv_cpu_pct_by_process,delivered_by_node\n");
        for (String[] r : stepRows) {
            csv.append(String.join(",", r)).append('\n');
        }
        Files.writeString(out.resolve("steps-" + stamp + ".csv"), csv);
        log.println();
        log.println(md);
        log.println("written: " + root.relativize(mdFile) + " and target/bench/steps-" + stamp + ".csv");
    }

    private static void table(StringBuilder md, String title, String[] head, List<String[]> rows) {
        md.append("### ").append(title).append("\n\n");
        if (rows.isEmpty()) {
            md.append("(not run)\n\n");
            return;
        }
        md.append("| ").append(String.join(" | ", head)).append(" |\n|");
        for (String h : head) {
            md.append(h.equals("peer") || h.equals("note") || h.startsWith("ladder") || h.equals("scenario")
                    || h.endsWith("by process") || h.endsWith("by node") ? " --- |" : " ---: |");
        }
        md.append('\n');
        for (String[] r : rows) {
            md.append("| ").append(Stream.of(r).map(c -> c == null ? "" : c.replace("|", "/")).collect(Collectors.joining(" | ")))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            // ignore
        }
        long memKb = 0;
        try {
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D+", ""))).orElse(0L);
        } catch (IOException e) {
            // ignore
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + Math.round(memKb / 1048576.0)
                + " GiB, JDK " + System.getProperty("java.version");
    }

    private static String trim(String s, int n) {
        s = s.replaceAll("\\s+", " ");
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }

    private static String compact(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String mb(long kb) {
        return String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    /** microseconds to milliseconds, 1 decimal below 100 ms */
    static String ms(long micros) {
        double m = micros / 1000.0;
        return m < 100 ? String.format(Locale.ROOT, "%.1f", m) : String.format(Locale.ROOT, "%.0f", m);
    }
}
