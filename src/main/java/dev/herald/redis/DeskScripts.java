package dev.herald.redis;

/**
 * The support desk's Lua scripts, all on the {@code {desk}} hash tag: each change of a conversation is one script,
 * conditional on the agent it expects, so nodes reacting to the same event never assign a conversation twice. A
 * conversation is a hash ({@code v} visitor, {@code a} agent, {@code s} state, {@code o} opened, {@code x} closed,
 * times in ms); {@code st:<state>} lists the conversations in each state (by opening time), {@code open:<agent>} an
 * agent's, {@code visitors} each visitor's open one, {@code desk} the agents at the desk (by the time they began to
 * wait), {@code h:<id>} the history (JSON entries), {@code seq:<id>} its last number, and {@code closedorder} the closed ones
 * (newest first, the oldest forgotten past {@code herald.desk.max-closed}).
 */
final class DeskScripts {

    private DeskScripts() {
    }

    private static final String COMMON = """
            local p = ARGV[1]
            local function conv(id) return p .. 'c:' .. id end
            local function move(id, from, to)
              local o = redis.call('HGET', conv(id), 'o')
              redis.call('ZREM', p .. 'st:' .. from, id)
              redis.call('ZADD', p .. 'st:' .. to, o, id)
            end
            local function snapshot(id)
              local m = redis.call('HGETALL', conv(id))
              table.insert(m, 1, id)
              return m
            end
            """;

    /** ARGV: prefix, id, visitor, opened (ms). */
    static final Script OPEN = Script.of("desk-open", COMMON + """
            local id, visitor, opened = ARGV[2], ARGV[3], ARGV[4]
            redis.call('HSET', conv(id), 'v', visitor, 's', 'queued', 'o', opened)
            redis.call('ZADD', p .. 'st:queued', opened, id)
            redis.call('HSET', p .. 'visitors', visitor, id)
            return 1
            """);

    /** ARGV: prefix, id, from agent ('' = queued), to agent, at (ms). Returns the conversation, or an empty list. */
    static final Script ASSIGN = Script.of("desk-assign", COMMON + """
            local id, from, to, at = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local s = redis.call('HGET', conv(id), 's')
            local a = redis.call('HGET', conv(id), 'a') or ''
            if not s or s == 'closed' or a ~= from then return {} end
            if from ~= '' then redis.call('SREM', p .. 'open:' .. from, id) end
            redis.call('HSET', conv(id), 'a', to, 's', 'assigned')
            redis.call('SADD', p .. 'open:' .. to, id)
            move(id, s, 'assigned')
            redis.call('ZADD', p .. 'desk', 'XX', at, to)
            return snapshot(id)
            """);

    /** ARGV: prefix, id, from agent. */
    static final Script REQUEUE = Script.of("desk-requeue", COMMON + """
            local id, from = ARGV[2], ARGV[3]
            local s = redis.call('HGET', conv(id), 's')
            if s ~= 'assigned' or redis.call('HGET', conv(id), 'a') ~= from then return {} end
            redis.call('SREM', p .. 'open:' .. from, id)
            redis.call('HDEL', conv(id), 'a')
            redis.call('HSET', conv(id), 's', 'queued')
            move(id, s, 'queued')
            return snapshot(id)
            """);

    /** ARGV: prefix, id, at (ms), closed conversations kept (past it the oldest closed are forgotten). */
    static final Script CLOSE = Script.of("desk-close", COMMON + """
            local id, at, keep = ARGV[2], ARGV[3], tonumber(ARGV[4])
            local s = redis.call('HGET', conv(id), 's')
            if not s or s == 'closed' then return {} end
            local a = redis.call('HGET', conv(id), 'a')
            if a then redis.call('SREM', p .. 'open:' .. a, id) end
            redis.call('HSET', conv(id), 's', 'closed', 'x', at)
            move(id, s, 'closed')
            local v = redis.call('HGET', conv(id), 'v')
            if redis.call('HGET', p .. 'visitors', v) == id then redis.call('HDEL', p .. 'visitors', v) end
            local closed = snapshot(id)
            redis.call('LPUSH', p .. 'closedorder', id)
            while redis.call('LLEN', p .. 'closedorder') > keep do
              local old = redis.call('RPOP', p .. 'closedorder')
              redis.call('ZREM', p .. 'st:closed', old)
              redis.call('DEL', conv(old), p .. 'h:' .. old, p .. 'seq:' .. old)
            end
            return closed
            """);

    /** ARGV: prefix, id, the entry's JSON without its seq ('{"at":..}'), max kept. Returns the entry's number. */
    static final Script APPEND = Script.of("desk-append", COMMON + """
            local id, json, max = ARGV[2], ARGV[3], tonumber(ARGV[4])
            local n = redis.call('INCR', p .. 'seq:' .. id)
            redis.call('RPUSH', p .. 'h:' .. id, '{"seq":' .. n .. ',' .. string.sub(json, 2))
            redis.call('LTRIM', p .. 'h:' .. id, -max, -1)
            return n
            """);
}
