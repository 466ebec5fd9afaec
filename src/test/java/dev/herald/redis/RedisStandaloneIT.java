package dev.herald.redis;

import dev.herald.support.RedisServer;

/** {@link ManyNodesSuite} on one standalone Redis (Debian's redis-server 7, started by the test). */
class RedisStandaloneIT extends ManyNodesSuite {

    private RedisServer redis;

    @Override
    String startRedis() {
        redis = RedisServer.start("many-nodes");
        return redis.uri();
    }

    @Override
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
