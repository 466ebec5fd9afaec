package dev.herald.redis;

import dev.herald.support.RedisServer;

/** {@link FailoverSuite} on one standalone Redis. */
class RedisStandaloneFailoverIT extends FailoverSuite {

    private RedisServer redis;

    @Override
    String startRedis() {
        redis = RedisServer.start("failover");
        return redis.uri();
    }

    @Override
    void stopRedis() {
        redis.stop();
    }

    @Override
    void restartRedis() {
        redis.restart();
    }

    @Override
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
