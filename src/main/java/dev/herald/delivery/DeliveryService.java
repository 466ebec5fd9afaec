package dev.herald.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.ops.HeraldMetrics;
import io.quarkus.scheduler.Scheduled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Delivers messages to users' streams and keeps track of who is connected. The WebSocket endpoint, the HTTP
 * API, the scheduler and the task relay all deliver through this bean.
 */
@Singleton // called per frame: no client proxy in front of it
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

    private final Map<String, UserStream> streams = new ConcurrentHashMap<>();
    private final Map<String, UserStream> online = new ConcurrentHashMap<>();
    /** Offline streams in the order they went offline (or were created for an offline user); stale entries skipped. */
    private final Queue<OfflineSince> offlineOrder = new ConcurrentLinkedQueue<>();
    /** One evicting thread at a time, so concurrent arrivals do not evict more than the overflow. */
    private final ReentrantLock evicting = new ReentrantLock();
    private final Counter evicted;
    private final Counter expired;
    private final Rooms rooms;
    private final FrameEncoder encoder;
    private final int mailboxSize;
    private final DeliveryConfig config;
    private final Clock clock;

    private final HeraldMetrics metrics;

    DeliveryService(Rooms rooms, FrameEncoder encoder, DeliveryConfig config, Clock clock, HeraldMetrics metrics) {
        this.rooms = rooms;
        this.encoder = encoder;
        this.mailboxSize = config.mailboxSize();
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        MeterRegistry registry = metrics.registry();
        Gauge.builder("herald.connections.open", this, DeliveryService::totalConnections)
                .description("Open WebSocket connections on /ws/{user}").register(registry);
        Gauge.builder("herald.users.online", online, Map::size).description("Users with at least one connection")
                .register(registry);
        FunctionCounter.builder("herald.mailbox.dropped", this, DeliveryService::totalDropped)
                .description("Messages dropped from full mailboxes, oldest first").register(registry);
        evicted = Counter.builder("herald.mailbox.evicted")
                .description("Offline users' streams evicted, oldest first, past herald.delivery.max-offline-users")
                .register(registry);
        expired = Counter.builder("herald.mailbox.expired")
                .description("Undelivered messages discarded after herald.delivery.mailbox-retention")
                .register(registry);
    }

    private record OfflineSince(UserStream stream, int episode) {
    }

    /**
     * The user's stream. A new one numbers its messages from the time in microseconds, so ids keep increasing
     * across a restart and after an idle user's stream was forgotten.
     */
    private UserStream stream(String user) {
        return streams.computeIfAbsent(user, this::newStream);
    }

    private UserStream newStream(String user) {
        return new UserStream(user, mailboxSize, clock.millis() * 1000);
    }

    /** Appends to the user's stream, following it if the stream was retired meanwhile. */
    private long appendTo(String user, EncodedMessage message) {
        while (true) {
            UserStream existing = streams.get(user);
            UserStream stream = existing != null ? existing : streams.computeIfAbsent(user, this::newStream);
            long id = stream.append(message);
            if (id != UserStream.RETIRED) {
                if (existing == null) {
                    // A new mailbox joins the eviction order (if a connect made the stream, the entry is stale)
                    offlineOrder.add(new OfflineSince(stream, 0));
                    evictOverflow();
                }
                return id;
            }
        }
    }

    /**
     * Evicts the streams offline the longest while more than {@code max-offline-users} are kept. Called when a
     * message creates a mailbox and on every sweep, never under a stream's lock (it takes the map's lock for a user,
     * then that stream's lock, as the sweep does).
     */
    private void evictOverflow() {
        if (streams.size() - online.size() <= config.maxOfflineUsers() || !evicting.tryLock()) {
            return;
        }
        try {
            while (streams.size() - online.size() > config.maxOfflineUsers()) {
                OfflineSince oldest = offlineOrder.poll();
                if (oldest == null) {
                    return;
                }
                UserStream s = oldest.stream();
                boolean[] gone = new boolean[1];
                // Retired under the map's lock for that user, as in sweep(): a connect racing with it gets a new stream.
                streams.computeIfPresent(s.user(), (u, current) -> {
                    gone[0] = current == s && s.evictIfOfflineSince(oldest.episode());
                    return gone[0] ? null : current;
                });
                if (gone[0]) {
                    evicted.increment();
                } // else a stale entry: that stream went online since, or is gone already
            }
        } finally {
            evicting.unlock();
        }
    }

    /** Trims old delivered history and forgets the streams of users who are offline with nothing kept. */
    @Scheduled(every = "${herald.delivery.sweep-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        long now = System.nanoTime();
        long retention = config.historyRetention().toNanos();
        long mailboxRetention = config.mailboxRetention().toNanos();
        for (UserStream s : streams.values()) {
            expired.increment(s.trim(now, retention, mailboxRetention));
            if (!s.online()) {
                streams.computeIfPresent(s.user(), (u, current) -> current == s && s.retireIfIdle() ? null : current);
            }
        }
        // Entries for streams that came online or were forgotten since: only the current ones keep their place.
        offlineOrder.removeIf(e -> !e.stream().offlineSince(e.episode()) || streams.get(e.stream().user()) != e.stream());
        evictOverflow();
    }

    /**
     * Registers a connection. The greeting (built from the stream's last id) is written first, then what the
     * user missed, then live traffic.
     */
    public Subscriber connect(String user, Outbound outbound, Long since, LongFunction<String> greeting) {
        Subscriber subscriber = new Subscriber(user, outbound);
        UserStream stream;
        int replayed;
        do {
            stream = stream(user);
            replayed = stream.attach(subscriber, since, greeting);
        } while (replayed == UserStream.RETIRED);
        UserStream attached = stream;
        attached.whileLocked(() -> {
            if (attached.online() && online.putIfAbsent(user, attached) == null) {
                announceLocked(user, true);
            }
        });
        LOG.debugf("%s connected (%s), replayed %d", user, outbound.id(), replayed);
        return subscriber;
    }

    public void disconnect(Subscriber subscriber) {
        UserStream stream = subscriber.stream;
        for (String room : subscriber.rooms()) {
            rooms.leave(room, stream, subscriber);
        }
        stream.detach(subscriber);
        int[] offlineEpisode = { -1 };
        // The online map changes under the stream lock, so a user's online and offline events keep their order.
        stream.whileLocked(() -> {
            if (!stream.online() && online.remove(subscriber.user(), stream)) {
                offlineEpisode[0] = stream.wentOffline();
                announceLocked(stream.user(), false);
            }
        });
        if (offlineEpisode[0] > 0) {
            // Evicted by the next new mailbox or sweep: this may run under another stream's lock (a slow consumer
            // dropped during a delivery), where evicting could deadlock.
            offlineOrder.add(new OfflineSince(stream, offlineEpisode[0]));
        }
    }

    private void announceLocked(String user, boolean isOnline) {
        if (online.size() > config.presenceLimit()) {
            return; // a frame to every online user per change would grow with the square of the users
        }
        String frame = encoder.json(new FrameEncoder.Presence(user, isOnline));
        for (UserStream other : online.values()) {
            if (!other.user().equals(user)) {
                for (Subscriber s : other.connections()) {
                    s.outbound().send(frame);
                }
            }
        }
    }

    /**
     * Delivers a message to its target: {@code to} (a user, online or not), {@code room} (the users with a
     * connection in it), or everyone online. {@code sender}, when a connected user, also gets a copy in their
     * own stream so that all their tabs stay in sync.
     */
    public Delivered deliver(Message message, String sender) {
        EncodedMessage encoded = encoder.message(message);
        Collection<UserStream> targets;
        long senderId = 0;
        int users = 0;
        if (message.to() != null) {
            long id = appendTo(message.to(), encoded);
            users = 1;
            senderId = message.to().equals(sender) ? id : 0;
            targets = List.of();
        } else if (message.room() != null) {
            targets = rooms.usersIn(message.room());
        } else {
            targets = online.values();
        }
        for (UserStream target : targets) {
            long id = target.append(encoded);
            users++;
            if (target.user().equals(sender)) {
                senderId = id;
            }
        }
        if (sender != null && senderId == 0 && message.to() != null) {
            senderId = appendTo(sender, encoded);
        }
        metrics.messageIn(message.kind().wire());
        metrics.messagesOut(message.kind().wire(), users);
        return new Delivered(users, senderId);
    }

    public void join(Subscriber subscriber, String room) {
        rooms.join(room, subscriber.stream, subscriber);
    }

    /** @return whether the connection was in the room */
    public boolean leave(Subscriber subscriber, String room) {
        boolean member = subscriber.inRoom(room);
        rooms.leave(room, subscriber.stream, subscriber);
        return member;
    }

    public int resume(Subscriber subscriber, long since) {
        return subscriber.stream.resume(subscriber, since);
    }

    /** Writes a frame that is not part of the message stream (task progress, for example) to a user's tabs. */
    public int push(String user, String frame) {
        UserStream stream = online.get(user);
        if (stream == null) {
            return 0;
        }
        List<Subscriber> connections = stream.connections();
        for (Subscriber s : connections) {
            s.outbound().send(frame);
        }
        return connections.size();
    }

    /** Open connections of one user now. */
    public int connectionCount(String user) {
        UserStream s = online.get(user);
        return s == null ? 0 : s.connections().size();
    }

    public boolean isOnline(String user) {
        return online.containsKey(user);
    }

    public List<String> onlineUsers() {
        return new ArrayList<>(online.keySet()).stream().sorted().toList();
    }

    /**
     * For a welcome frame: {@code user} and other online users, in no order, at most {@code presence-limit} in all;
     * {@link #onlineCount()} is exact.
     */
    public List<String> onlineUsersFor(String user) {
        List<String> some = new ArrayList<>(online.keySet().stream().filter(u -> !u.equals(user))
                .limit(Math.max(0, config.presenceLimit() - 1)).toList());
        some.add(user);
        return some; // unsorted: sorting up to presence-limit names on every connect showed up in the profile
    }

    public int onlineCount() {
        return online.size();
    }

    /** Connection counts of the users online now, by name. */
    public Map<String, Integer> connectionCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String user : onlineUsers()) {
            UserStream s = online.get(user);
            if (s != null && s.online()) {
                counts.put(user, s.connections().size());
            }
        }
        return counts;
    }

    public long droppedFor(String user) {
        UserStream s = streams.get(user);
        return s == null ? 0 : s.dropped();
    }

    public long totalDropped() {
        long total = 0;
        for (UserStream s : streams.values()) {
            total += s.dropped();
        }
        return total;
    }

    public int totalConnections() {
        int total = 0;
        for (UserStream s : online.values()) {
            total += s.connections().size();
        }
        return total;
    }
}
