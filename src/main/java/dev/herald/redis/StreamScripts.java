package dev.herald.redis;

/** The Lua scripts of users' streams; each touches the keys of one partition (one hash tag) only. */
final class StreamScripts {

    private StreamScripts() {
    }

    /** Creates a stream's position on first use: ids start from the time in microseconds, as in memory. */
    private static final String INIT = """
            local function init(meta, now, epoch)
              if redis.call('EXISTS', meta) == 0 then
                redis.call('HSET', meta, 'l', now, 'e', epoch, 'd', now, 'x', 0, 'r', now)
              end
            end
            """;

    /**
     * Appends one message to the streams of several users (of one partition on a cluster) and announces each entry on
     * its user's channel, in the same step, so a node hears a user's entries in id order. KEYS: meta, stream, dedup per user.
     * ARGV: type ('m' message, 'r' receipt), tail, room ('' for none), from, sender's copy id ('0' for none; 'first'
     * for a direct message whose sender is the first user: the others' entries name the id it got there),
     * mailbox size, ttl seconds, now (micros), new epoch, delivery key ('' for none), the connection not to write it
     * to ('' for none: see {@code EncodedMessage#origin}), then each user's channel.
     * A delivery key already appended to a user's stream appends nothing there (a scheduled message fired again
     * after the node firing it died). Returns the id in each user's stream.
     */
    static final Script APPEND = Script.of("append", INIT + """
            local kind, tail, room, from, copy = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local size, ttl, now, epoch, key, origin = ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
            local ids = {}
            for i = 1, #KEYS / 3 do
              local meta, stream, dedup, channel = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i], ARGV[11 + i]
              local done = false
              if key ~= '' then done = redis.call('HGET', dedup, key) end
              if done then
                ids[i] = tonumber(done)
              else
                init(meta, now, epoch)
                local id = string.format('%.0f', redis.call('HINCRBY', meta, 'l', 1)) -- ids pass 1e14: no exponent
                if redis.call('XLEN', stream) >= tonumber(size) then redis.call('HINCRBY', meta, 'x', 1) end
                local names = copy
                if copy == 'first' then names = (i == 1) and '0' or string.format('%.0f', ids[1]) end
                redis.call('XADD', stream, 'MAXLEN', size, id .. '-0', 't', tail, 'r', room, 'f', from, 's', names, 'y', kind)
                redis.call('EXPIRE', stream, ttl)
                redis.call('EXPIRE', meta, ttl)
                if key ~= '' then
                  redis.call('HSET', dedup, key, id)
                  redis.call('EXPIRE', dedup, ttl)
                end
                redis.call('SPUBLISH', channel, 'E|' .. id .. '|' .. room .. '|' .. kind .. '|' .. origin .. '|' .. tail)
                ids[i] = id
              end
            end
            return ids
            """);

    /**
     * Reads a stream for a connection: its position and the kept entries after a point. KEYS: meta, stream. ARGV:
     * since ('' for the undelivered mailbox, 'read' for the read cursor), up to ('' for the newest), mark delivered
     * ('1' when a connection is about to get everything), now (micros), new epoch, the user. Returns {last id,
     * epoch, dropped, oldest kept id (last + 1 when nothing is kept), from, entries, read cursor, unread messages};
     * a since beyond the last id (another epoch's) reads everything kept.
     */
    static final Script READ = Script.of("read", INIT + """
            local meta, stream = KEYS[1], KEYS[2]
            local since, upto, mark, now, epoch, user = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
            init(meta, now, epoch)
            local state = redis.call('HMGET', meta, 'l', 'e', 'x', 'd', 'r')
            local last, cursor = state[1], state[5]
            local from = since
            if from == '' then from = state[4] end
            if from == 'read' then from = cursor end
            if since ~= '' and since ~= 'read' and tonumber(since) > tonumber(last) then from = '0' end -- another epoch's id
            if upto == '' then upto = last end
            local entries = {}
            if tonumber(from) < tonumber(upto) then
              entries = redis.call('XRANGE', stream, '(' .. from .. '-0', upto .. '-0')
            end
            local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
            local oldestId = string.format('%.0f', tonumber(last) + 1)
            if #oldest > 0 then oldestId = string.match(oldest[1][1], '^(%d+)') end
            if mark == '1' then redis.call('HSET', meta, 'd', last) end
            local unread = 0
            if tonumber(cursor) < tonumber(last) then
              for _, e in ipairs(redis.call('XRANGE', stream, '(' .. cursor .. '-0', last .. '-0')) do
                local f, kind = nil, nil
                for j = 1, #e[2], 2 do
                  if e[2][j] == 'f' then f = e[2][j + 1] elseif e[2][j] == 'y' then kind = e[2][j + 1] end
                end
                if kind ~= 'r' and f ~= user then unread = unread + 1 end
              end
            end
            return {last, state[2], state[3], oldestId, from, entries, cursor, unread}
            """);

    /**
     * Moves a user's read cursor forward. KEYS: meta, stream. ARGV: up to, now (micros), new epoch, the user's
     * channel, the connection that moved it. Tells the user's connections on every node ({@code R|upTo|origin}).
     * Returns {-1} for an id the stream never issued, {0} when the cursor did not move, else {1, entries passed}.
     */
    static final Script READ_CURSOR = Script.of("read-cursor", INIT + """
            local meta, stream = KEYS[1], KEYS[2]
            local upto = ARGV[1]
            init(meta, ARGV[2], ARGV[3])
            local state = redis.call('HMGET', meta, 'l', 'r')
            if tonumber(upto) > tonumber(state[1]) then return {-1} end
            if tonumber(upto) <= tonumber(state[2]) then return {0} end
            redis.call('HSET', meta, 'r', upto)
            local passed = redis.call('XRANGE', stream, '(' .. state[2] .. '-0', upto .. '-0')
            redis.call('SPUBLISH', ARGV[4], 'R|' .. upto .. '|' .. ARGV[5])
            return {1, passed}
            """);

    /** Moves a user's delivered-up-to mark forward (never back). KEYS: meta. ARGV: id. */
    static final Script DELIVERED = Script.of("delivered", """
            local d = redis.call('HGET', KEYS[1], 'd')
            if d and tonumber(d) < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'd', ARGV[1]) end
            return 1
            """);
}
