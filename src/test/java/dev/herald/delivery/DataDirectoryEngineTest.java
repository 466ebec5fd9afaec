package dev.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.connection.Connection;
import dev.herald.disk.DataDirectory;
import dev.herald.support.OpenDataDirectories;
import dev.herald.disk.DiskStreams;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;

/**
 * The memory engine writing through to a data directory, wired by hand: what a restart (clean, or a crash that
 * leaves only what was committed) gives back — ids, mailboxes, the epoch, no gap — and that a message reaches
 * connections only once it is on disk.
 */
class DataDirectoryEngineTest {

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenDataDirectories opened = new OpenDataDirectories();

    private record Engine(DataDirectory dir, Seams seams) {
        void send(String from, String to, String text) {
            seams.delivery.deliver(Message.direct(from, to, text, Kind.DIRECT, NOW), from).toCompletableFuture().join();
        }

        long last(String user) {
            return seams.streams.position(user).toCompletableFuture().join().lastId();
        }

        Replay after(String user, long since) {
            return seams.streams.readAfter(user, since).toCompletableFuture().join();
        }
    }

    private Engine start(int mailbox, Duration commitInterval) {
        DataDirectory d = opened.open(dir, commitInterval);
        return new Engine(d, new Seams(mailbox, Clock.systemUTC(), new DiskStreams(d), d));
    }

    private void stop(Engine e) {
        opened.close(e.dir());
    }

    /** What a kill -9 leaves: only what was committed. */
    private void kill(Engine e) {
        opened.abandon(e.dir());
    }

    private static List<String> texts(Replay r) {
        return r.entries().stream().map(StreamEntry::frame)
                .map(f -> f.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1")).toList();
    }

    private static List<Long> messageIds(Seams.Recorded t) {
        List<Long> ids = new ArrayList<>();
        for (String f : t.frames) {
            Matcher m = ID.matcher(f);
            if (f.startsWith("{\"type\":\"message\"") && m.find()) {
                ids.add(Long.parseLong(m.group(1)));
            }
        }
        return ids;
    }

    @Test
    void idsTheMailboxAndTheEpochSurviveARestartAndSinceNeedsNoGap() {
        Engine first = start(5, Duration.ofMillis(2));
        for (int i = 0; i < 8; i++) {
            first.send("ann", "bob", "m" + i);
        }
        long last = first.last("bob");
        String epoch = first.seams.streams.epoch();
        stop(first);

        Engine second = start(5, Duration.ofMillis(2));
        assertThat(second.seams.streams.epoch()).isEqualTo(epoch);
        assertThat(second.last("bob")).isEqualTo(last);
        Replay since = second.after("bob", last - 2);
        assertThat(since.gap()).isFalse();
        assertThat(texts(since)).containsExactly("m6", "m7");
        assertThat(texts(second.after("bob", last - 5))).containsExactly("m3", "m4", "m5", "m6", "m7");
        assertThat(second.after("bob", last - 5).gap()).isFalse();
        assertThat(second.after("bob", last - 6).gap()).isTrue(); // m2 was pushed out of the full mailbox
        assertThat(second.seams.streams.dropped("bob")).isEqualTo(3);
        assertThat(texts(second.after("ann", 0))).containsExactly("m3", "m4", "m5", "m6", "m7"); // ann's own copies

        second.send("ann", "bob", "after");
        assertThat(second.last("bob")).isEqualTo(last + 1);
    }

    @Test
    void aCrashKeepsEverythingCommittedAndNoIdThatWasSeenIsHandedOutAgain() {
        Engine first = start(1000, Duration.ofMillis(2));
        Seams.Recorded tab = new Seams.Recorded();
        first.seams.delivery.connect(Seams.connection("t1", "cal", tab), null).toCompletableFuture().join();
        for (int i = 0; i < 50; i++) {
            first.send("ann", "cal", "acked " + i);
        }
        List<CompletableFuture<Delivered>> unacked = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            unacked.add(first.seams.delivery.deliver(Message.direct("ann", "cal", "maybe " + i, Kind.DIRECT, NOW), "ann")
                    .toCompletableFuture());
        }
        kill(first);
        List<Long> seen = messageIds(tab);
        assertThat(seen).hasSizeGreaterThanOrEqualTo(50);

        Engine second = start(1000, Duration.ofMillis(2));
        Replay all = second.after("cal", 0);
        List<String> kept = texts(all);
        for (int i = 0; i < 50; i++) {
            assertThat(kept).contains("acked " + i);
        }
        // Every message a connection was given before the crash is there again, with the same id.
        List<Long> ids = all.entries().stream().map(StreamEntry::id).toList();
        assertThat(ids).containsAll(seen);
        long acked = unacked.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        assertThat(kept).hasSizeGreaterThanOrEqualTo(50 + (int) acked);
        // The stream goes on after what was kept: no id is reused.
        second.send("ann", "cal", "next");
        assertThat(second.last("cal")).isEqualTo(ids.get(ids.size() - 1) + 1);
    }

    @Test
    void aMessageReachesConnectionsOnlyOnceItIsOnDisk() {
        Engine e = start(100, Duration.ofMillis(400));
        Seams.Recorded tab = new Seams.Recorded();
        Connection c = Seams.connection("t1", "dee", tab);
        e.seams.delivery.connect(c, null).toCompletableFuture().join();
        e.send("ann", "dee", "first"); // commits at once: the writer was idle
        assertThat(messageIds(tab)).hasSize(1);
        long before = e.last("dee");
        CompletableFuture<Delivered> second = e.seams.delivery
                .deliver(Message.direct("ann", "dee", "second", Kind.DIRECT, NOW), "ann").toCompletableFuture();
        // numbered, but the next commit waits for the interval: not seen, not acknowledged, not in any position
        assertThat(second).isNotDone();
        assertThat(messageIds(tab)).hasSize(1);
        assertThat(e.last("dee")).isEqualTo(before);
        assertThat(e.after("dee", before).entries()).isEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(second::isDone);
        assertThat(messageIds(tab)).containsExactly(before, before + 1);
        assertThat(second.join().senderId()).isPositive();
    }

    @Test
    void aTabWithoutEchoIsNotWrittenWhatItSentOnceCommittedWhileItsOtherTabIsAndARestartReplaysIt() {
        Engine first = start(100, Duration.ofMillis(2));
        Seams.Recorded sendingTab = new Seams.Recorded(), otherTab = new Seams.Recorded();
        Connection sending = Seams.withoutEcho("s1", "ann", sendingTab);
        first.seams.delivery.connect(sending, null).toCompletableFuture().join();
        first.seams.delivery.connect(Seams.connection("s2", "ann", otherTab), null).toCompletableFuture().join();

        Delivered d = first.seams.delivery.deliverFrom(sending, Message.direct("ann", "dee", "kept", Kind.DIRECT, NOW))
                .toCompletableFuture().join(); // completes once committed, as the ack does
        assertThat(messageIds(otherTab)).containsExactly(d.senderId());
        assertThat(messageIds(sendingTab)).isEmpty();
        assertThat(d.withheldFrame()).isEqualTo(otherTab.frames.get(otherTab.frames.size() - 1));
        stop(first);

        Engine second = start(100, Duration.ofMillis(2));
        assertThat(texts(second.after("ann", d.senderId() - 1))).containsExactly("kept");
    }

    @Test
    void tabsOpeningWhileMessagesAreCommittedSeeEachOnceInIdOrder() throws Exception {
        Engine e = start(10_000, Duration.ofMillis(1));
        int senders = 4, each = 500;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int s = 0; s < senders; s++) {
            int n = s;
            pool.submit(() -> {
                go.await();
                List<CompletableFuture<Delivered>> sent = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    sent.add(e.seams.delivery.deliver(Message.direct("s" + n, "eve", n + ":" + i, Kind.DIRECT, NOW), "s" + n)
                            .toCompletableFuture());
                }
                sent.forEach(CompletableFuture::join);
                return null;
            });
        }
        go.countDown();
        List<Seams.Recorded> tabs = new ArrayList<>();
        for (int tab = 0; tab < 6; tab++) { // tabs open while commits go on, each from the very start of the stream
            Seams.Recorded t = new Seams.Recorded();
            tabs.add(t);
            e.seams.delivery.connect(Seams.connection("tab" + tab, "eve", t), 0L).toCompletableFuture().join();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long last = e.last("eve");
        for (Seams.Recorded t : tabs) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                List<Long> ids = messageIds(t);
                return !ids.isEmpty() && ids.get(ids.size() - 1) == last;
            });
            assertThat(messageIds(t)).hasSize(senders * each).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aMessageKeptByOneStreamStaysOnDiskWhenTheOtherDropsIt() {
        Engine first = start(2, Duration.ofMillis(2));
        first.send("ann", "eli", "shared");
        for (int i = 0; i < 3; i++) {
            first.send("ann", "fox", "pushes ann's copy out " + i);
        }
        assertThat(texts(first.after("ann", 0))).doesNotContain("shared");
        kill(first);

        Engine second = start(2, Duration.ofMillis(2));
        assertThat(texts(second.after("eli", 0))).containsExactly("shared");
        assertThat(texts(second.after("ann", 0))).containsExactly("pushes ann's copy out 1", "pushes ann's copy out 2");
        assertThat(texts(second.after("fox", 0))).containsExactly("pushes ann's copy out 1", "pushes ann's copy out 2");
    }

    @Test
    void whatWasDeliveredBeforeAStopIsNotTheMailboxAfterIt() {
        Engine first = start(100, Duration.ofMillis(2));
        Seams.Recorded tab = new Seams.Recorded();
        Connection c = Seams.connection("t1", "gil", tab);
        first.seams.delivery.connect(c, null).toCompletableFuture().join();
        first.send("ann", "gil", "seen");
        first.seams.delivery.disconnect(c);
        first.send("ann", "gil", "waiting");
        stop(first);

        Engine second = start(100, Duration.ofMillis(2));
        Seams.Recorded later = new Seams.Recorded();
        second.seams.delivery.connect(Seams.connection("t2", "gil", later), null).toCompletableFuture().join();
        assertThat(later.frames).hasSize(2);
        assertThat(later.frames.get(1)).contains("waiting");
    }

    @Test
    void theReadCursorSurvivesACrashAndAMessageReadAfterItStillEarnsItsSenderAReceipt() {
        Engine first = start(100, Duration.ofMillis(2));
        for (int i = 0; i < 4; i++) {
            first.send("ann", "hal", "dm " + i);
        }
        long last = first.last("hal");
        Seams.Recorded tab = new Seams.Recorded();
        Connection c = Seams.connection("t1", "hal", tab);
        first.seams.delivery.connect(c, null).toCompletableFuture().join();
        first.seams.delivery.read(c, last - 2).toCompletableFuture().join(); // answered once on disk
        kill(first);

        Engine second = start(100, Duration.ofMillis(2));
        StreamPosition p = second.seams.streams.position("hal").toCompletableFuture().join();
        assertThat(p.readUpTo()).isEqualTo(last - 2);
        assertThat(p.unread()).isEqualTo(2);
        Seams.Recorded again = new Seams.Recorded();
        Connection d = Seams.connection("t2", "hal", again);
        second.seams.delivery.connect(d, StreamStore.SINCE_READ).toCompletableFuture().join();
        assertThat(again.frames.stream().filter(f -> f.startsWith("{\"type\":\"message\"")))
                .hasSize(2).allMatch(f -> f.contains("dm 2") || f.contains("dm 3"));
        long annBefore = second.last("ann");
        second.seams.delivery.read(d, last).toCompletableFuture().join();
        // ann's stream gets one receipt per message read, each naming ann's own copy of it
        Replay receipts = second.after("ann", annBefore);
        assertThat(receipts.entries()).hasSize(2)
                .allMatch(e -> e.frame().startsWith("{\"type\":\"receipt\"") && e.frame().contains("\"by\":\"hal\""));
        List<String> annCopies = second.after("ann", 0).entries().stream()
                .filter(e -> e.frame().contains("dm 2") || e.frame().contains("dm 3"))
                .map(e -> "\"messageId\":" + e.id()).toList();
        assertThat(receipts.entries()).extracting(StreamEntry::frame)
                .anySatisfy(f -> assertThat(f).contains(annCopies.get(0)))
                .anySatisfy(f -> assertThat(f).contains(annCopies.get(1)));
    }
}
