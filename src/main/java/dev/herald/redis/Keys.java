package dev.herald.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import jakarta.inject.Singleton;

/**
 * Herald's key layout in Redis. Every key a script touches at once shares a hash tag, so every script runs on Redis
 * Cluster: a user's keys and channel carry the tag of the user's partition ({@code {h7}}), presence and rooms
 * share {@code {g}}, scheduled messages {@code {sched}}, tasks {@code {t}}.
 */
@Singleton
public class Keys {

    private final String prefix;
    private final int partitions;
    /** On Redis Cluster a script's keys must share one slot; a standalone Redis takes any keys in one script. */
    private final boolean cluster;

    @jakarta.inject.Inject
    Keys(RedisConfig config,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.redis.client-type",
                    defaultValue = "standalone") String clientType) {
        this.prefix = config.prefix();
        this.partitions = config.partitions();
        this.cluster = "cluster".equalsIgnoreCase(clientType);
    }

    /** Keys as on a cluster (what fits there fits anywhere). */
    Keys(RedisConfig config) {
        this(config, "cluster");
    }

    /** Whether one script may touch both users' keys: always on a standalone Redis, on a cluster within a partition. */
    public boolean oneScript(String a, String b) {
        return !cluster || partition(a) == partition(b);
    }

    /** The partition a user's keys live in. */
    public int partition(String user) {
        CRC32 crc = new CRC32();
        crc.update(user.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    private String user(String kind, String user) {
        return prefix + ":{h" + partition(user) + "}:" + kind + ":" + user;
    }

    /** The user's stream: a Redis stream whose entry ids are Herald's message ids. */
    public String stream(String user) {
        return user("s", user);
    }

    /** The user's stream position: last id, epoch, delivered-up-to, dropped count. */
    public String meta(String user) {
        return user("m", user);
    }

    /** Delivery keys already appended to the user's stream (a scheduled message refired after a node died). */
    public String dedup(String user) {
        return user("d", user);
    }

    /** The sharded channel on which every entry of the user's stream, and every frame for the user, is announced. */
    public String channel(String user) {
        return user("c", user);
    }

    /** Users with open connections, site-wide: user -> connection count. */
    public String online() {
        return prefix + ":{g}:online";
    }

    /** One node's contribution to {@link #online()}, removed by the others when the node dies. */
    public String nodeConnections(String node) {
        return prefix + ":{g}:node:" + node;
    }

    /** One node's room memberships ("room|user" -> connections), removed by the others when the node dies. */
    public String nodeRooms(String node) {
        return prefix + ":{g}:noderooms:" + node;
    }

    /** Live nodes: node id -> the time (ms) after which it counts as dead unless it beats again. */
    public String nodes() {
        return prefix + ":{g}:nodes";
    }

    /** Users with a connection in a room, site-wide: user -> connections in the room. */
    public String room(String room) {
        return prefix + ":{g}:room:" + room;
    }

    /** Frames for every node (presence): a sharded channel every node subscribes to. */
    public String everyone() {
        return prefix + ":{g}:all";
    }

    public String schedule(String what) {
        return prefix + ":{sched}:" + what;
    }

    public String task(String what) {
        return prefix + ":{t}:" + what;
    }

    /** The support desk's keys: all on one tag, {@code {desk}}. */
    public String desk(String what) {
        return prefix + ":{desk}:" + what;
    }
}
