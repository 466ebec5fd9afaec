package dev.herald.redis;

/**
 * The Lua scripts of scheduled messages, all on the {@code {sched}} hash tag: every transition of a message is one
 * script, so firing and cancelling race atomically whichever nodes run them. A message is a hash ({@code j}: what
 * never changes, as JSON; {@code s} status; {@code a} due time in ms; {@code da} delivered at; {@code n} deliveries;
 * {@code rc} recipients; {@code e} error); pending ones sit in {@code due} (by due time), claimed ones in
 * {@code firing} (by the end of the claim's lease: a node that dies while firing loses its claim), every message in
 * {@code created} (by creation, for paging) and finished ones in {@code finished} (the newest kept).
 */
final class ScheduleScripts {

    private ScheduleScripts() {
    }

    /** Keys built from the prefix passed as ARGV[1]; all share the {sched} tag. */
    private static final String COMMON = """
            local p = ARGV[1]
            local function msg(id) return p .. 'm:' .. id end
            local function finish(id, retain)
              redis.call('LPUSH', p .. 'finished', id)
              while redis.call('LLEN', p .. 'finished') > retain do
                local old = redis.call('RPOP', p .. 'finished')
                local created = redis.call('HGET', msg(old), 'c')
                if created then redis.call('ZREM', p .. 'created', created) end
                redis.call('DEL', msg(old))
              end
            end
            local function snapshot(id)
              local m = redis.call('HGETALL', msg(id))
              table.insert(m, 1, id)
              return m
            end
            """;

    /**
     * ARGV: prefix, id, immutable JSON, due (ms), creation key ("created-ms|id" zero-padded), max pending, status
     * ('pending', or 'delivered' with ARGV 8-10 = delivered at, recipients, retain). Returns 0 when the store is full.
     */
    static final Script ADD = Script.of("schedule-add", COMMON + """
            local id, json, due, created, max, status = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
            if status == 'pending' then
              if redis.call('ZCARD', p .. 'due') + redis.call('ZCARD', p .. 'firing') >= max then return 0 end
              redis.call('HSET', msg(id), 'j', json, 's', 'pending', 'a', due, 'n', 0, 'rc', 0, 'c', created)
              redis.call('ZADD', p .. 'due', due, id)
              redis.call('SPUBLISH', p .. 'wake', due)
            else
              redis.call('HSET', msg(id), 'j', json, 's', status, 'a', due, 'da', ARGV[8], 'n', 1, 'rc', ARGV[9], 'c', created)
              finish(id, tonumber(ARGV[10]))
            end
            redis.call('ZADD', p .. 'created', 0, created)
            return 1
            """);

    /**
     * Claims what is due: ARGV: prefix, now (ms), max, lease end (ms), one id ('' for all due ones). Also takes back
     * claims whose lease ran out (their node died while firing). Returns the claimed messages' snapshots.
     */
    static final Script CLAIM = Script.of("schedule-claim", COMMON + """
            local now, max, lease, one = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
            local claimed = {}
            local candidates
            if one ~= '' then candidates = {one}
            else candidates = redis.call('ZRANGEBYSCORE', p .. 'due', '-inf', now, 'LIMIT', 0, max) end
            for _, id in ipairs(candidates) do
              if redis.call('HGET', msg(id), 's') == 'pending' then
                redis.call('HSET', msg(id), 's', 'firing')
                redis.call('ZADD', p .. 'firing', lease, id)
                table.insert(claimed, snapshot(id))
              end
              redis.call('ZREM', p .. 'due', id)
            end
            if one == '' and #claimed < max then
              for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. 'firing', '-inf', now, 'LIMIT', 0, max - #claimed)) do
                redis.call('ZADD', p .. 'firing', lease, id)
                table.insert(claimed, snapshot(id))
              end
            end
            return claimed
            """);

    /**
     * A claimed message was delivered: ARGV: prefix, id, delivered at (ms), recipients, next due (ms, '' when it
     * does not recur), retain. Returns its snapshot, or nil when it was not being fired.
     */
    static final Script FIRED = Script.of("schedule-fired", COMMON + """
            local id, at, reached, nextDue, retain = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
            if redis.call('HGET', msg(id), 's') ~= 'firing' then return nil end
            redis.call('ZREM', p .. 'firing', id)
            redis.call('HINCRBY', msg(id), 'n', 1)
            redis.call('HSET', msg(id), 'da', at, 'rc', reached)
            if nextDue ~= '' then
              redis.call('HSET', msg(id), 's', 'pending', 'a', nextDue)
              redis.call('ZADD', p .. 'due', nextDue, id)
            else
              redis.call('HSET', msg(id), 's', 'delivered')
              finish(id, retain)
            end
            return snapshot(id)
            """);

    /** ARGV: prefix, id, error, retain. */
    static final Script FAILED = Script.of("schedule-failed", COMMON + """
            local id = ARGV[2]
            if redis.call('HGET', msg(id), 's') ~= 'firing' then return nil end
            redis.call('ZREM', p .. 'firing', id)
            redis.call('HSET', msg(id), 's', 'failed', 'e', ARGV[3])
            finish(id, tonumber(ARGV[4]))
            return snapshot(id)
            """);

    /** ARGV: prefix, id, retain. Returns CANCELLED, FIRING (being delivered right now), TOO_LATE or NOT_FOUND. */
    static final Script CANCEL = Script.of("schedule-cancel", COMMON + """
            local id = ARGV[2]
            local s = redis.call('HGET', msg(id), 's')
            if not s then return 'NOT_FOUND' end
            if s == 'firing' then return 'FIRING' end
            if s ~= 'pending' then return 'TOO_LATE' end
            redis.call('HSET', msg(id), 's', 'cancelled')
            redis.call('ZREM', p .. 'due', id)
            finish(id, tonumber(ARGV[3]))
            return 'CANCELLED'
            """);

    /** ARGV: prefix, after (a creation key, '' from the start), count. Returns snapshots in creation order. */
    static final Script PAGE = Script.of("schedule-page", COMMON + """
            local from = '-'
            if ARGV[2] ~= '' then from = '(' .. ARGV[2] end
            local page = {}
            for _, created in ipairs(redis.call('ZRANGEBYLEX', p .. 'created', from, '+', 'LIMIT', 0, tonumber(ARGV[3]))) do
              local id = string.match(created, '|(.*)$')
              table.insert(page, snapshot(id))
            end
            return page
            """);
}
