package dev.herald.redis;

import dev.herald.support.RedisCluster;
import dev.herald.support.RedisServer;

/** {@link FailoverSuite} on a three-master Redis Cluster; an outage stops all three masters. */
class RedisClusterFailoverIT extends FailoverSuite {

    private RedisCluster redis;

    @Override
    String startRedis() {
        redis = RedisCluster.start("failover-cluster");
        return redis.hosts();
    }

    @Override
    void stopRedis() {
        redis.nodes().forEach(RedisServer::stop);
    }

    @Override
    void restartRedis() {
        redis.nodes().forEach(RedisServer::restart);
        redis.awaitHealthy();
    }

    @Override
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
