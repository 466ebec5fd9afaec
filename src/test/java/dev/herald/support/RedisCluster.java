package dev.herald.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * A Redis Cluster of three masters and no replicas on loopback, each node a {@link RedisServer} with
 * {@code --cluster-enabled yes} in its own directory under {@code target/redis/}, on a free port whose cluster bus
 * port (+10000) is free too; created with {@code redis-cli --cluster create}. A node can be killed and restarted on
 * its port ({@link #node(int)}); it keeps its identity and slots through its {@code nodes.conf}.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final int BUS_OFFSET = 10000;
    private static final int START_ATTEMPTS = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /**
     * Starts three cluster nodes (no persistence, {@code cluster-node-timeout} 2 s), creates the cluster and waits
     * until every node says {@code cluster_state:ok}. Further {@code redis-server} options are passed to every node
     * ({@code "--cluster-require-full-coverage", "no"}).
     */
    public static RedisCluster start(String name, String... extraArgs) {
        return start(name, RedisServer.Persistence.NONE, extraArgs);
    }

    /** Same, with the given persistence on every node. */
    public static RedisCluster start(String name, RedisServer.Persistence persistence, String... extraArgs) {
        List<String> args = new ArrayList<>(RedisServer.persistenceArgs(persistence));
        args.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "2000"));
        args.addAll(List.of(extraArgs));
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            List<RedisServer> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < MASTERS; i++) {
                    int port = freeNodePort(nodes);
                    String nodeName = name + "-node" + (i + 1);
                    nodes.add(RedisServer.startOn(nodeName, port, RedisServer.newDir(nodeName), args));
                }
            } catch (RedisServer.PortTakenException e) {
                nodes.forEach(RedisServer::close);
                last = e;
                continue;
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(nodes));
            try {
                cluster.create();
                cluster.awaitHealthy();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        throw new IllegalStateException("could not start a Redis Cluster after " + START_ATTEMPTS + " attempts", last);
    }

    /** The nodes in port order of creation; each can be stopped, killed and restarted on its port. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    public RedisServer node(int index) {
        return nodes.get(index);
    }

    /** The value for {@code quarkus.redis.hosts}: {@code redis://127.0.0.1:p1,redis://127.0.0.1:p2,...}. */
    public String hosts() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    /** The hash slot of a key, as the cluster computes it (hash tags included). */
    public int slotOf(String key) {
        return Integer.parseInt(firstRunning().cli("CLUSTER", "KEYSLOT", key));
    }

    /** The master serving the key's slot, from that node's own view ({@code CLUSTER NODES}, {@code myself}). */
    public RedisServer nodeFor(String key) {
        int slot = slotOf(key);
        for (RedisServer node : nodes) {
            if (node.isRunning() && ownedSlots(node).stream().anyMatch(r -> r[0] <= slot && slot <= r[1])) {
                return node;
            }
        }
        throw new IllegalStateException("no running node owns slot " + slot);
    }

    /** Waits until every running node reports {@code cluster_state:ok} (after a node restart, for example). */
    public void awaitHealthy() {
        Awaitility.await("cluster_state:ok on every node").atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> nodes.stream().filter(RedisServer::isRunning)
                        .allMatch(n -> n.cli("CLUSTER", "INFO").contains("cluster_state:ok")));
    }

    /** Stops every node (SIGTERM). */
    public void stop() {
        nodes.forEach(RedisServer::stop);
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String out = RedisServer.run(command, READY_TIMEOUT);
        try {
            Files.writeString(nodes.get(0).dir().resolve("cluster-create.log"), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!out.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + out);
        }
    }

    private RedisServer firstRunning() {
        return nodes.stream().filter(RedisServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no cluster node is running"));
    }

    private static List<int[]> ownedSlots(RedisServer node) {
        List<int[]> ranges = new ArrayList<>();
        for (String line : node.cli("CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length > 2 && fields[2].contains("myself")) {
                for (int i = 8; i < fields.length; i++) {
                    if (fields[i].startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    String[] bounds = fields[i].split("-");
                    int from = Integer.parseInt(bounds[0]);
                    ranges.add(new int[] {from, bounds.length > 1 ? Integer.parseInt(bounds[1]) : from});
                }
            }
        }
        return ranges;
    }

    private static int freeNodePort(List<RedisServer> taken) {
        while (true) {
            int port = RedisServer.freePort(BUS_OFFSET);
            if (taken.stream().noneMatch(n -> n.port() == port || n.port() + BUS_OFFSET == port
                    || n.port() == port + BUS_OFFSET)) {
                return port;
            }
        }
    }
}
