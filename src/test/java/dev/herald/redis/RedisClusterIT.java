package dev.herald.redis;

import dev.herald.support.RedisCluster;

/** {@link ManyNodesSuite} on a Redis Cluster of three masters, started by the test on free loopback ports. */
class RedisClusterIT extends ManyNodesSuite {

    private RedisCluster redis;

    @Override
    String startRedis() {
        redis = RedisCluster.start("many-nodes-cluster");
        return redis.hosts();
    }

    @Override
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
