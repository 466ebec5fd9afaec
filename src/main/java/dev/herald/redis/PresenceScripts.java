package dev.herald.redis;

/**
 * The Lua scripts of presence and rooms. They all touch the {@code {g}} hash tag only: the site-wide counts and
 * each node's own share of them, changed together, so that the nodes still alive can take a dead node's share away.
 */
final class PresenceScripts {

    private PresenceScripts() {
    }

    /**
     * A connection opened (ARGV[2] = 1) or closed (-1). KEYS: online, this node's connections. ARGV: user, delta,
     * everyone channel. The user's first connection anywhere (or last) is announced to every node on the everyone
     * channel ({@code P|user|1 or 0|users online}), in the order the changes happened. Returns {became online or
     * offline (1/0), users online}.
     */
    static final Script CONNECTION = Script.of("connection", """
            local online, mine = KEYS[1], KEYS[2]
            local user, delta, everyone = ARGV[1], tonumber(ARGV[2]), ARGV[3]
            local n = redis.call('HINCRBY', online, user, delta)
            local m = redis.call('HINCRBY', mine, user, delta)
            if m <= 0 then redis.call('HDEL', mine, user) end
            local changed = 0
            if n <= 0 then
              redis.call('HDEL', online, user)
              if delta < 0 then changed = 1 end
            elseif n == 1 and delta > 0 then
              changed = 1
            end
            local count = redis.call('HLEN', online)
            if changed == 1 then
              local state = '1'
              if delta < 0 then state = '0' end
              redis.call('SPUBLISH', everyone, 'P|' .. user .. '|' .. state .. '|' .. count)
            end
            return {changed, count}
            """);

    /**
     * A connection joined (ARGV[3] = 1) or left (-1) a room. KEYS: the room's members, this node's rooms. ARGV:
     * user, room, delta, everyone channel, how many members to list. A user's first connection in the room (or last)
     * is announced to every node ({@code Q|room|user|1 or 0}). Returns {members, then up to that many names}.
     */
    static final Script ROOM = Script.of("room", """
            local members, mine = KEYS[1], KEYS[2]
            local user, room, delta, everyone, listed = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
            local n = redis.call('HINCRBY', members, user, delta)
            if n <= 0 then
              redis.call('HDEL', members, user)
              if delta < 0 then redis.call('SPUBLISH', everyone, 'Q|' .. room .. '|' .. user .. '|0') end
            elseif n == 1 and delta > 0 then
              redis.call('SPUBLISH', everyone, 'Q|' .. room .. '|' .. user .. '|1')
            end
            local field = room .. '|' .. user
            if redis.call('HINCRBY', mine, field, delta) <= 0 then redis.call('HDEL', mine, field) end
            local count = redis.call('HLEN', members)
            local result = {count}
            if count <= listed then
              for _, u in ipairs(redis.call('HKEYS', members)) do table.insert(result, u) end
            else
              local scan = redis.call('HSCAN', members, 0, 'COUNT', listed)
              for i = 1, #scan[2], 2 do if #result <= listed then table.insert(result, scan[2][i]) end end
            end
            return result
            """);

    /**
     * This node is alive until ARGV[2] (ms); it also sets its share of presence and rooms to what it really holds
     * (after Redis lost them, or after a partition), adjusting the site-wide counts by the difference. KEYS: nodes,
     * online, this node's connections, this node's rooms. ARGV: node, alive until, number of users n, then n pairs
     * user/connections, then pairs "room|user"/connections. Run with the full lists only when resyncing; the
     * heartbeat passes n = -1.
     */
    static final Script BEAT = Script.of("beat", """
            local nodes, online, mine, rooms = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
            redis.call('ZADD', nodes, ARGV[2], ARGV[1])
            local n = tonumber(ARGV[3])
            if n < 0 then return 0 end
            local want = {}
            for i = 0, n - 1 do want[ARGV[4 + 2 * i]] = tonumber(ARGV[5 + 2 * i]) end
            local have = redis.call('HGETALL', mine)
            for i = 1, #have, 2 do
              local user, count = have[i], tonumber(have[i + 1])
              local delta = (want[user] or 0) - count
              if delta ~= 0 and redis.call('HINCRBY', online, user, delta) <= 0 then redis.call('HDEL', online, user) end
              want[user] = nil
            end
            for user, count in pairs(want) do redis.call('HINCRBY', online, user, count) end
            redis.call('DEL', mine)
            for i = 0, n - 1 do redis.call('HSET', mine, ARGV[4 + 2 * i], ARGV[5 + 2 * i]) end
            local r = 4 + 2 * n
            local oldRooms = redis.call('HGETALL', rooms)
            for i = 1, #oldRooms, 2 do
              local room, user = string.match(oldRooms[i], '^(.-)|(.*)$')
              local members = KEYS[1]:sub(1, #KEYS[1] - 5) .. 'room:' .. room
              if redis.call('HINCRBY', members, user, -tonumber(oldRooms[i + 1])) <= 0 then redis.call('HDEL', members, user) end
            end
            redis.call('DEL', rooms)
            for i = r, #ARGV, 2 do
              local room, user = string.match(ARGV[i], '^(.-)|(.*)$')
              local members = KEYS[1]:sub(1, #KEYS[1] - 5) .. 'room:' .. room
              redis.call('HINCRBY', members, user, tonumber(ARGV[i + 1]))
              redis.call('HSET', rooms, ARGV[i], ARGV[i + 1])
            end
            return n
            """);

    /**
     * Takes a dead node's share away: its connections from the site-wide counts (announcing the users who went
     * offline with it) and its room memberships (announcing who left rooms with it). KEYS: nodes, online, the dead
     * node's connections, its rooms. ARGV: the dead node, everyone channel. Returns how many users went offline.
     */
    static final Script BURY = Script.of("bury", """
            local nodes, online, theirs, rooms = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
            local everyone = ARGV[2]
            local gone = 0
            local memberships = redis.call('HGETALL', rooms)
            for i = 1, #memberships, 2 do
              local room, user = string.match(memberships[i], '^(.-)|(.*)$')
              local members = KEYS[1]:sub(1, #KEYS[1] - 5) .. 'room:' .. room
              if redis.call('HINCRBY', members, user, -tonumber(memberships[i + 1])) <= 0 then
                redis.call('HDEL', members, user)
                redis.call('SPUBLISH', everyone, 'Q|' .. room .. '|' .. user .. '|0')
              end
            end
            local conns = redis.call('HGETALL', theirs)
            for i = 1, #conns, 2 do
              local user = conns[i]
              if redis.call('HINCRBY', online, user, -tonumber(conns[i + 1])) <= 0 then
                redis.call('HDEL', online, user)
                gone = gone + 1
                redis.call('SPUBLISH', everyone, 'P|' .. user .. '|0|' .. redis.call('HLEN', online))
              end
            end
            redis.call('DEL', theirs, rooms)
            redis.call('ZREM', nodes, ARGV[1])
            return gone
            """);
}
