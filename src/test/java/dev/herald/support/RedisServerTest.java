package dev.herald.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The test Redis servers: their own port and directory, outages on the same port, nothing left running. */
class RedisServerTest {

    @Test
    void startsOnItsOwnPortAndDirectoryAndStopsForGood() {
        RedisServer a = RedisServer.start("support-a");
        RedisServer b = RedisServer.start("support-b");
        try {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.dir()).isNotEqualTo(b.dir());
            assertThat(a.uri()).isEqualTo("redis://127.0.0.1:" + a.port());
            assertThat(a.cli("SET", "k", "1")).isEqualTo("OK");
            assertThat(b.cli("GET", "k")).isEmpty();
            assertThat(a.cli("CONFIG", "GET", "save")).isEqualTo("save");
            assertThat(a.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
            assertThat(a.log()).exists().content().contains("Ready to accept connections");
        } finally {
            a.close();
            b.close();
        }
        assertThat(a.isRunning()).isFalse();
        assertThat(a.answersPing()).isFalse();
        assertThat(b.answersPing()).isFalse();
    }

    @Test
    void killAndRestartOnTheSamePortLosesWhatWasNotPersisted() {
        try (RedisServer redis = RedisServer.start("support-volatile")) {
            int port = redis.port();
            redis.cli("SET", "k", "1");
            redis.kill();
            assertThat(redis.answersPing()).isFalse();
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.cli("GET", "k")).isEmpty();
        }
    }

    @Test
    void appendOnlyAlwaysKeepsEveryAcknowledgedWriteThroughAKill() {
        try (RedisServer redis = RedisServer.start("support-aof", RedisServer.Persistence.AOF_ALWAYS)) {
            assertThat(redis.cli("CONFIG", "GET", "appendfsync")).isEqualTo("appendfsync\nalways");
            for (int i = 0; i < 100; i++) {
                redis.cli("RPUSH", "list", String.valueOf(i));
            }
            redis.kill();
            redis.restart();
            assertThat(redis.cli("LLEN", "list")).isEqualTo("100");
        }
    }

    @Test
    void stopFlushesAppendOnlyEverySecond() {
        try (RedisServer redis = RedisServer.start("support-aof-sec", RedisServer.Persistence.AOF_EVERYSEC)) {
            redis.cli("SET", "k", "kept");
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            redis.restart();
            assertThat(redis.cli("GET", "k")).isEqualTo("kept");
        }
    }

    @Test
    void clusterOfThreeMastersServesEverySlotAndSurvivesANodeRestart() {
        try (RedisCluster cluster = RedisCluster.start("support-cluster")) {
            List<RedisServer> nodes = cluster.nodes();
            assertThat(nodes).hasSize(3);
            assertThat(cluster.hosts()).isEqualTo("redis://127.0.0.1:" + nodes.get(0).port()
                    + ",redis://127.0.0.1:" + nodes.get(1).port() + ",redis://127.0.0.1:" + nodes.get(2).port());
            for (RedisServer node : nodes) {
                assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_known_nodes:3",
                        "cluster_slots_assigned:16384");
            }
            // keys sharing a hash tag live on one node
            assertThat(cluster.slotOf("{room:7}:stream")).isEqualTo(cluster.slotOf("{room:7}:members"));
            RedisServer owner = cluster.nodeFor("{room:7}:stream");
            assertThat(owner.cli("SET", "{room:7}:stream", "v")).isEqualTo("OK");

            owner.kill();
            owner.restart();
            cluster.awaitHealthy();
            assertThat(cluster.nodeFor("{room:7}:stream")).isSameAs(owner);
            assertThat(owner.cli("SET", "{room:7}:stream", "again")).isEqualTo("OK");
        }
    }
}
