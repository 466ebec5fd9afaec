package dev.herald.redis;

/**
 * The Lua scripts of the task progress relay, all on the {@code {t}} hash tag, so each change of a task is atomic
 * whichever node runs it. A task is a hash ({@code o} owner, {@code ti} title, {@code to} total or '', {@code pr}
 * progress, {@code s} status, {@code c}/{@code u} created/updated as ISO instants, {@code k}/{@code ko} its keys in
 * the indexes) beside a list of its events (JSON, the list's position is the sequence number). Indexes: {@code all}
 * (by creation, oldest first), {@code finished} (the same, finished ones only) and {@code o:<owner>} (newest first).
 * Every write renews the expiry of the task's keys and of the indexes; a task whose keys expired is dropped from an
 * index when a script comes across it.
 */
final class TaskScripts {

    private TaskScripts() {
    }

    /** Keys built from the prefix passed as ARGV[1]; all share the {t} tag. */
    private static final String COMMON = """
            local p = ARGV[1]
            local function task(id) return p .. 't:' .. id end
            local function events(id) return p .. 'e:' .. id end
            local function owned(owner) return p .. 'o:' .. owner end
            local function idOf(indexKey) return string.match(indexKey, '|(.*)$') end
            local function touch(id, owner, ttl)
              for _, key in ipairs({task(id), events(id), owned(owner), p .. 'all', p .. 'finished'}) do
                redis.call('EXPIRE', key, ttl)
              end
            end
            local function whole(id)
              return {id, redis.call('HGETALL', task(id)), redis.call('LRANGE', events(id), 0, -1)}
            end
            """;

    /**
     * ARGV: prefix, ttl (s), id, owner, title, total (''), progress, status, created, updated, k, ko. Keeps a new
     * task with no events.
     */
    static final Script ADD = Script.of("task-add", COMMON + """
            local id, owner, status, k, ko = ARGV[3], ARGV[4], ARGV[8], ARGV[11], ARGV[12]
            redis.call('HSET', task(id), 'o', owner, 'ti', ARGV[5], 'to', ARGV[6], 'pr', ARGV[7], 's', status,
              'c', ARGV[9], 'u', ARGV[10], 'k', k, 'ko', ko)
            redis.call('ZADD', p .. 'all', 0, k)
            redis.call('ZADD', owned(owner), 0, ko)
            if status ~= 'running' then redis.call('ZADD', p .. 'finished', 0, k) end
            touch(id, owner, ARGV[2])
            return 1
            """);

    /**
     * ARGV: prefix, ttl (s), id, max events, event JSON, at, progress (''), status (''). Returns {'ok', seq, state
     * fields...}, or {'unknown'}, {'finished', status}, {'full'}: the checks, the sequence number and the new state
     * in one step.
     */
    static final Script APPEND = Script.of("task-append", COMMON + """
            local id, max, progress, status = ARGV[3], tonumber(ARGV[4]), ARGV[7], ARGV[8]
            local t = task(id)
            local s = redis.call('HGET', t, 's')
            if not s then return {'unknown'} end
            if s ~= 'running' then return {'finished', s} end
            if redis.call('LLEN', events(id)) >= max then return {'full'} end
            local seq = redis.call('RPUSH', events(id), ARGV[5])
            redis.call('HSET', t, 'u', ARGV[6])
            if progress ~= '' then redis.call('HSET', t, 'pr', progress) end
            if status ~= '' then
              redis.call('HSET', t, 's', status)
              if status ~= 'running' then redis.call('ZADD', p .. 'finished', 0, redis.call('HGET', t, 'k')) end
            end
            touch(id, redis.call('HGET', t, 'o'), ARGV[2])
            local out = {'ok', tostring(seq)}
            for _, v in ipairs(redis.call('HGETALL', t)) do table.insert(out, v) end
            return out
            """);

    /** ARGV: prefix, id, with events ('1' or '0'). Returns {id, state fields, events}, or {} when there is none. */
    static final Script GET = Script.of("task-get", COMMON + """
            local id = ARGV[2]
            if redis.call('EXISTS', task(id)) == 0 then return {} end
            if ARGV[3] == '1' then return whole(id) end
            return {id, redis.call('HGETALL', task(id)), {}}
            """);

    /**
     * ARGV: prefix, owner, after (a ko, '' from the newest), max. Returns up to max {id, state fields, events},
     * newest first.
     */
    static final Script OWNED = Script.of("task-owned", COMMON + """
            local index, max = owned(ARGV[2]), tonumber(ARGV[4])
            local from = '-'
            if ARGV[3] ~= '' then from = '(' .. ARGV[3] end
            local page = {}
            while #page < max do
              local batch = redis.call('ZRANGEBYLEX', index, from, '+', 'LIMIT', 0, max - #page)
              if #batch == 0 then break end
              for _, ko in ipairs(batch) do
                local id = idOf(ko)
                if redis.call('EXISTS', task(id)) == 1 then table.insert(page, whole(id))
                else redis.call('ZREM', index, ko) end
                from = '(' .. ko
              end
            end
            return page
            """);

    /**
     * ARGV: prefix, keep. While more than keep tasks are stored, forgets the oldest finished one (and drops expired
     * ones from the index of all). Returns the ids forgotten.
     */
    static final Script FORGET = Script.of("task-forget", COMMON + """
            local excess = redis.call('ZCARD', p .. 'all') - tonumber(ARGV[2])
            local forgotten = {}
            if excess <= 0 then return forgotten end
            for _, k in ipairs(redis.call('ZRANGE', p .. 'all', 0, excess - 1)) do
              if redis.call('EXISTS', task(idOf(k))) == 0 then
                redis.call('ZREM', p .. 'all', k)
                redis.call('ZREM', p .. 'finished', k)
                excess = excess - 1
              end
            end
            while excess > 0 do
              local oldest = redis.call('ZRANGE', p .. 'finished', 0, 0)[1]
              if not oldest then break end
              local id = idOf(oldest)
              redis.call('ZREM', p .. 'finished', oldest)
              redis.call('ZREM', p .. 'all', oldest)
              local owner, ko = unpack(redis.call('HMGET', task(id), 'o', 'ko'))
              if owner then
                redis.call('ZREM', owned(owner), ko)
                redis.call('DEL', task(id), events(id))
                table.insert(forgotten, id)
              end
              excess = excess - 1
            end
            return forgotten
            """);
}
