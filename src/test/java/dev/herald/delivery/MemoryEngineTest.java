package dev.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.herald.connection.Connection;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;

/**
 * The memory engine at its seams — stream store, broker, hub, presence — wired by hand, without a server: the
 * rules every engine must keep (ids, replay, gap, order, presence transitions), in milliseconds.
 */
class MemoryEngineTest {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Instant NOW = Seams.CLOCK.instant();

    private final Seams seams = new Seams(5);

    private static long idOf(String frame) {
        Matcher m = ID.matcher(frame);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static List<Long> messageIds(Seams.Recorded t) {
        return t.frames.stream().filter(f -> f.startsWith("{\"type\":\"message\"")).map(MemoryEngineTest::idOf).toList();
    }

    private void send(String from, String to, String text) {
        seams.delivery.deliver(Message.direct(from, to, text, Kind.DIRECT, NOW), from).toCompletableFuture().join();
    }

    @Test
    void idsAreConsecutivePerUserAndTheNewestAreKept() {
        for (int i = 0; i < 8; i++) {
            send("ann", "bob", "m" + i);
        }
        long last = seams.streams.position("bob").toCompletableFuture().join().lastId();
        Replay all = seams.streams.readAfter("bob", 0).toCompletableFuture().join();
        assertThat(all.entries()).extracting(StreamEntry::id).containsExactly(last - 4, last - 3, last - 2, last - 1, last);
        assertThat(seams.streams.dropped("bob")).isEqualTo(3);
        // The sender's own copy is numbered in the sender's stream, independently.
        assertThat(seams.streams.readAfter("ann", 0).toCompletableFuture().join().entries()).hasSize(5);
    }

    @Test
    void replayTellsAGapWhenSinceIsOlderThanKeptOrBeyondTheStream() {
        for (int i = 0; i < 8; i++) {
            send("ann", "cid", "m" + i);
        }
        long last = seams.streams.position("cid").toCompletableFuture().join().lastId();
        assertThat(seams.streams.readAfter("cid", last - 2).toCompletableFuture().join().gap()).isFalse();
        assertThat(seams.streams.readAfter("cid", last - 5).toCompletableFuture().join().gap()).isFalse();
        Replay older = seams.streams.readAfter("cid", last - 6).toCompletableFuture().join();
        assertThat(older.gap()).isTrue();
        assertThat(older.entries()).hasSize(5);
        Replay beyond = seams.streams.readAfter("cid", last + 1000).toCompletableFuture().join();
        assertThat(beyond.gap()).isTrue();
        assertThat(beyond.entries()).hasSize(5); // another epoch's ids mean nothing here: what is kept is replayed
        assertThat(seams.streams.readAfter("cid", last).toCompletableFuture().join().entries()).isEmpty();
        assertThat(older.position().epoch()).isEqualTo(seams.streams.epoch());
    }

    @Test
    void attachWritesTheGreetingThenTheMailboxThenLiveTraffic() {
        send("ann", "dan", "waiting 1");
        send("ann", "dan", "waiting 2");
        Seams.Recorded t = new Seams.Recorded();
        Connection c = Seams.connection("c1", "dan", t);
        seams.delivery.connect(c, null).toCompletableFuture().join();
        send("ann", "dan", "live");
        assertThat(t.frames.get(0)).startsWith("{\"type\":\"welcome\"").contains("\"gap\":false");
        assertThat(t.frames.subList(1, 4)).allMatch(f -> f.startsWith("{\"type\":\"message\""));
        assertThat(t.frames.get(3)).contains("live");
        List<Long> ids = messageIds(t);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void appendsRacingAnAttachAreSeenOnceEachInIdOrder() throws Exception {
        int senders = 4, each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch go = new CountDownLatch(1);
        Seams big = new Seams(10_000);
        List<Seams.Recorded> tabs = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int n = s;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    big.delivery.deliver(Message.direct("s" + n, "eve", n + ":" + i, Kind.DIRECT, NOW), "s" + n)
                            .toCompletableFuture().join();
                }
                return null;
            });
        }
        go.countDown();
        for (int tab = 0; tab < 3; tab++) { // tabs open while messages flow, each from the very start of the stream
            Seams.Recorded t = new Seams.Recorded();
            tabs.add(t);
            big.delivery.connect(Seams.connection("tab" + tab, "eve", t), 0L).toCompletableFuture().join();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        long last = big.streams.position("eve").toCompletableFuture().join().lastId();
        for (Seams.Recorded t : tabs) {
            List<Long> ids = messageIds(t);
            assertThat(ids).hasSize(senders * each).isSorted().doesNotHaveDuplicates();
            assertThat(ids.get(ids.size() - 1)).isEqualTo(last);
        }
    }

    @Test
    void roomMessagesReachOnlyConnectionsInTheRoomAndEnterEachMembersStream() {
        Seams.Recorded inRoom = new Seams.Recorded(), sameUserOutside = new Seams.Recorded(), other = new Seams.Recorded();
        Connection a1 = Seams.connection("a1", "fay", inRoom), a2 = Seams.connection("a2", "fay", sameUserOutside);
        Connection b = Seams.connection("b", "gus", other);
        for (Connection c : List.of(a1, a2, b)) {
            seams.delivery.connect(c, null).toCompletableFuture().join();
        }
        assertThat(seams.delivery.join(a1, "lobby").toCompletableFuture().join().members()).containsExactly("fay");
        assertThat(seams.delivery.join(a1, "lobby").toCompletableFuture().join().count()).isEqualTo(1);
        Delivered d = seams.delivery.deliver(Message.room("gus", "lobby", "hi", Kind.ROOM, NOW), "gus")
                .toCompletableFuture().join();
        assertThat(d.users()).isEqualTo(1);
        assertThat(messageIds(inRoom)).hasSize(1);
        assertThat(messageIds(sameUserOutside)).isEmpty();
        assertThat(messageIds(other)).isEmpty();
        // Kept in fay's stream (a reconnect with since gets it), not in gus's.
        assertThat(seams.streams.readAfter("fay", 0).toCompletableFuture().join().entries()).hasSize(1);
        assertThat(seams.streams.readAfter("gus", 0).toCompletableFuture().join().entries()).isEmpty();
        seams.delivery.disconnect(a1);
        assertThat(seams.delivery.roomExists("lobby").toCompletableFuture().join()).isFalse();
    }

    @Test
    void presenceIsAnnouncedOnTheFirstOpenAndTheLastCloseOnly() {
        Seams.Recorded watcher = new Seams.Recorded();
        Connection w = Seams.connection("w", "hal", watcher);
        seams.delivery.connect(w, null).toCompletableFuture().join();
        seams.fanout.flush(); // hal's own arrival: not told to hal
        Connection i1 = Seams.connection("i1", "ivy", new Seams.Recorded());
        Connection i2 = Seams.connection("i2", "ivy", new Seams.Recorded());
        seams.delivery.connect(i1, null).toCompletableFuture().join();
        seams.fanout.flush();
        seams.delivery.connect(i2, null).toCompletableFuture().join();
        seams.delivery.disconnect(i1);
        seams.fanout.flush();
        assertThat(presenceFrames(watcher)).containsExactly("{\"type\":\"presence\",\"user\":\"ivy\",\"online\":true}");
        seams.delivery.disconnect(i2);
        seams.fanout.flush();
        assertThat(presenceFrames(watcher)).containsExactly("{\"type\":\"presence\",\"user\":\"ivy\",\"online\":true}",
                "{\"type\":\"presence\",\"user\":\"ivy\",\"online\":false}");
        assertThat(seams.presence.isOnline("ivy").toCompletableFuture().join()).isFalse();
        assertThat(seams.presence.connectionCounts(null, 10).toCompletableFuture().join()).containsOnlyKeys("hal");
    }

    @Test
    void aStormOfArrivalsIntoARoomIsOneDiffFramePerMemberPerInterval() {
        List<Seams.Recorded> members = new java.util.ArrayList<>();
        List<Connection> connections = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Seams.Recorded t = new Seams.Recorded();
            Connection c = Seams.connection("c" + i, "u" + i, t);
            seams.delivery.connect(c, null).toCompletableFuture().join();
            seams.delivery.join(c, "storm").toCompletableFuture().join();
            members.add(t);
            connections.add(c);
            if (i == 99 || i == 199) {
                seams.fanout.flush(); // the storm spans three intervals
            }
        }
        seams.fanout.flush();
        // Each member got at most one room frame per interval (3), not one per arrival (up to 299).
        for (int i = 0; i < members.size(); i++) {
            List<String> room = members.get(i).frames.stream().filter(f -> f.contains("\"room\":\"storm\"")).toList();
            assertThat(room).hasSizeLessThanOrEqualTo(3);
        }
        // The last to arrive knows everyone who came after it joined (its join ack named those before).
        assertThat(seams.delivery.members("storm").toCompletableFuture().join().count()).isEqualTo(300);
        String last = members.get(0).frames.stream().filter(f -> f.contains("\"joins\"")).reduce((a, b) -> b).orElseThrow();
        assertThat(last).contains("\"u299\"");
        for (Connection c : connections) {
            seams.delivery.disconnect(c);
        }
    }

    private static List<String> presenceFrames(Seams.Recorded t) {
        return t.frames.stream().filter(f -> f.startsWith("{\"type\":\"presence\"")).toList();
    }
}
