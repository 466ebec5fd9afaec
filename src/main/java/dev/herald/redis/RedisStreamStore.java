package dev.herald.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.delivery.DeliveryConfig;
import dev.herald.delivery.InvalidMessage;
import dev.herald.delivery.Replay;
import dev.herald.delivery.StreamEntry;
import dev.herald.delivery.StreamPosition;
import dev.herald.delivery.StreamStore;
import dev.herald.protocol.EncodedMessage;
import io.vertx.mutiny.redis.client.Response;

/**
 * Users' streams in Redis, so every node sees the same ids and any node can replay them: one Redis stream per user
 * whose entry ids are Herald's ids, beside a hash with the stream's position (last id, epoch, delivered-up-to,
 * dropped). Each stream's keys expire after {@code herald.delivery.mailbox-retention} without traffic; Redis trims
 * each to the mailbox size as it appends.
 */
@Singleton
@Typed(RedisStreamStore.class) // injected through dev.herald.engine.Engines as its interface
public class RedisStreamStore implements StreamStore {

    private final RedisCalls redis;
    private final Keys keys;
    private final Clock clock;
    private final DeliveryConfig config;

    RedisStreamStore(RedisCalls redis, Keys keys, Clock clock, DeliveryConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.config = config;
    }

    /** Micros now: where a new stream's ids start, as in memory, so they keep increasing when a stream expired. */
    String nowMicros() {
        return Long.toString(clock.millis() * 1000);
    }

    static String newEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The stream read for a connection: the entries after {@code since} (the undelivered mailbox when null) up to
     * {@code upTo} (the newest when null), marking everything delivered when {@code attaching}.
     */
    CompletionStage<Replay> read(String user, Long since, Long upTo, boolean attaching) {
        String from = since == null ? "" : since == SINCE_READ ? "read" : Long.toString(since);
        return redis.evalStage(StreamScripts.READ, List.of(keys.meta(user), keys.stream(user)),
                List.of(from, upTo == null ? "" : Long.toString(upTo), attaching ? "1" : "0", nowMicros(), newEpoch(),
                        user))
                .thenApply(r -> replay(r, since));
    }

    private static Replay replay(Response r, Long since) {
        long last = r.get(0).toLong();
        long oldest = r.get(3).toLong();
        long cursor = r.get(6).toLong();
        List<StreamEntry> entries = entries(r.get(5));
        long asked = since == null ? 0 : since == SINCE_READ ? cursor : since;
        boolean gap = since != null && (asked > last || asked < oldest - 1);
        return new Replay(new StreamPosition(last, r.get(1).toString(), cursor, r.get(7).toInteger(), r.get(2).toLong()),
                entries, gap);
    }

    static List<StreamEntry> entries(Response list) {
        List<StreamEntry> entries = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            entries.add(entry(list.get(i)));
        }
        return entries;
    }

    /** One XRANGE entry: {@code ["<id>-0", [field, value, ...]]}. */
    static StreamEntry entry(Response e) {
        String id = e.get(0).toString();
        Response fields = e.get(1);
        String tail = null, room = null, from = null, type = EncodedMessage.MESSAGE;
        long copy = 0;
        for (int f = 0; f + 1 < fields.size(); f += 2) {
            String value = fields.get(f + 1).toString();
            switch (fields.get(f).toString()) {
                case "t" -> tail = value;
                case "r" -> room = value.isEmpty() ? null : value;
                case "f" -> from = value;
                case "s" -> copy = Long.parseLong(value);
                case "y" -> type = "r".equals(value) ? EncodedMessage.RECEIPT : EncodedMessage.MESSAGE;
                default -> {
                }
            }
        }
        return new StreamEntry(Long.parseLong(id.substring(0, id.indexOf('-'))),
                new EncodedMessage(type, tail, room, from, copy, System.nanoTime()));
    }

    @Override
    public CompletionStage<StreamPosition> position(String user) {
        return read(user, 0L, 0L, false).thenApply(Replay::position);
    }

    @Override
    public CompletionStage<Replay> readAfter(String user, long since) {
        return read(user, since, null, false);
    }

    /** Appends to the streams of users of one partition; see {@link StreamScripts#APPEND}. */
    CompletionStage<List<Long>> append(List<String> users, EncodedMessage message, String deliveryKey) {
        return append(users, message, Long.toString(message.senderCopy()), deliveryKey);
    }

    /**
     * A direct message between two users in one script (where {@link Keys#oneScript} allows): the sender's copy
     * first, and the recipient's entry naming it. Completes with {sender's id, recipient's id}.
     */
    CompletionStage<List<Long>> appendDirect(String sender, String to, EncodedMessage message, String deliveryKey) {
        return append(List.of(sender, to), message, "first", deliveryKey);
    }

    private CompletionStage<List<Long>> append(List<String> users, EncodedMessage message, String copy,
            String deliveryKey) {
        List<String> keyList = new ArrayList<>(users.size() * 3);
        List<String> args = new ArrayList<>(8 + users.size());
        for (String user : users) {
            keyList.add(keys.meta(user));
            keyList.add(keys.stream(user));
            keyList.add(keys.dedup(user));
        }
        args.addAll(List.of(message.isMessage() ? "m" : "r", message.tail(), message.room() == null ? "" : message.room(),
                message.from() == null ? "" : message.from(), copy,
                Integer.toString(config.mailboxSize()), Long.toString(config.mailboxRetention().toSeconds()),
                nowMicros(), newEpoch(), deliveryKey == null ? "" : deliveryKey,
                message.origin() == null ? "" : message.origin()));
        for (String user : users) {
            args.add(keys.channel(user)); // each user's own: its hash tag is the user's partition's
        }
        return redis.evalStage(StreamScripts.APPEND, keyList, args).thenApply(r -> {
            List<Long> ids = new ArrayList<>(r.size());
            for (int i = 0; i < r.size(); i++) {
                ids.add(r.get(i).toLong());
            }
            return ids;
        });
    }

    /**
     * Moves the user's read cursor; completes with the entries it passed (empty when it did not move), or fails with
     * {@code invalid_field} for an id the stream never issued.
     */
    CompletionStage<List<StreamEntry>> read(String user, long upTo, String origin) {
        return redis.evalStage(StreamScripts.READ_CURSOR, List.of(keys.meta(user), keys.stream(user)),
                List.of(Long.toString(upTo), nowMicros(), newEpoch(), keys.channel(user), origin)).thenApply(r -> {
                    long outcome = r.get(0).toLong();
                    if (outcome < 0) {
                        throw new InvalidMessage("invalid_field", "upTo", "'upTo' " + upTo + " is not an id of this stream");
                    }
                    return outcome == 0 ? List.<StreamEntry>of() : entries(r.get(1));
                });
    }

    /** Moves the user's delivered-up-to mark: a connection without since gets what came after it. */
    CompletionStage<Response> delivered(String user, long id) {
        return redis.evalStage(StreamScripts.DELIVERED, List.of(keys.meta(user)), List.of(Long.toString(id)));
    }

    @Override
    public void sweep() {
        // Redis expires idle streams itself (mailbox-retention) and trims each to the mailbox size as it appends.
    }
}
