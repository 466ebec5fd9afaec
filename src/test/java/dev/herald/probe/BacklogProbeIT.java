package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;
import dev.herald.support.SilentClient;
import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 3, as the attack was run: twenty sockets of one user, each sending 18 frames a second (inside every
 * limit of the production profile) — every other one an unknown type with a 60 KB {@code ref}, the others a 4 KiB
 * text to itself that reaches all twenty — and never reading. The outbound bound counted frames, the errors echoed
 * the refs, and Herald's RSS went 180 → 1 060 MB in 30 s (here, before the fix: +1.5 GB in 45 s, no socket closed).
 * Now the refs are refused unechoed and the backlog is bounded in bytes: each socket is closed as a slow consumer
 * (about 20 s in), the server's memory stays bounded (+320 MB), and a reading client on the same server is unaffected.
 * Herald runs as its own process (production profile, authentication off), so its RSS is its own.
 */
class BacklogProbeIT {

    private static final int SOCKETS = 20;
    private static final long FRAME_EVERY_MS = 55;
    private static final Duration BUDGET = Duration.ofSeconds(45);
    private static final String USER = "mallory";

    @Test
    void socketsThatNeverReadAreClosedAndMemoryStaysBounded() throws Exception {
        // On the JVM the heap is fixed and touched at start, so RSS growth is what the attack makes the server hold
        // (queued frames live in Netty's direct buffers, allowed up to 4 GB), not how the collector sizes the heap.
        List<String> options = Boolean.getBoolean("herald.native") ? List.of("-Dherald.auth.enabled=false")
                : List.of("-Dherald.auth.enabled=false", "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
                        "-XX:MaxDirectMemorySize=4g");
        try (ServerProcess server = new ServerProcess("backlog-probe", options)) {
            long logStart = Files.exists(server.log()) ? Files.size(server.log()) : 0;
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            TestSocket bystander = TestSocket.user(server.base(), "bystander");
            List<SilentClient> attackers = new ArrayList<>();
            for (int i = 0; i < SOCKETS; i++) {
                attackers.add(SilentClient.open(server.base(), "/ws/" + USER));
            }
            Awaitility.await().until(() -> connections(http, server.base()) == SOCKETS);
            long rssBefore = rssKb(server.pid());
            AtomicLong rssPeak = new AtomicLong(rssBefore);

            String bigRef = new JsonObject().put("type", "shout").put("ref", "r".repeat(60_000)).encode();
            String bigText = new JsonObject().put("type", "send").put("to", USER).put("text", "t".repeat(4096)).encode();
            ScheduledExecutorService pacer = Executors.newScheduledThreadPool(4);
            try {
                for (SilentClient attacker : attackers) {
                    AtomicLong sent = new AtomicLong();
                    pacer.scheduleWithFixedDelay(() -> {
                        try {
                            attacker.sendText(sent.getAndIncrement() % 2 == 0 ? bigRef : bigText);
                        } catch (IOException cut) {
                            throw new IllegalStateException("closed", cut); // ends this socket's schedule
                        }
                    }, 0, FRAME_EVERY_MS, TimeUnit.MILLISECONDS); // a delay, not a rate: a late tick sends no burst
                }
                Awaitility.await().atMost(BUDGET).pollInterval(Duration.ofMillis(250)).until(() -> {
                    rssPeak.accumulateAndGet(rssKb(server.pid()), Math::max);
                    return connections(http, server.base()) == 0;
                });
            } finally {
                pacer.shutdownNow();
            }

            // A client that reads was not held up.
            bystander.send(new JsonObject().put("type", "send").put("to", "bystander").put("text", "still here"));
            bystander.awaitText("still here");
            String log = Files.readString(server.log(), StandardCharsets.UTF_8).substring((int) logStart);
            long slowConsumerCloses = log.lines().filter(l -> l.contains("closing slow consumer " + USER)).count();
            // On a loaded machine a stalled event loop may read a socket's queued frames as one burst: the rate bound
            // closes that one first. Either way a bound closed it, and none stayed open holding memory.
            long floodingCloses = log.lines().filter(l -> l.contains("closing " + USER + " (")
                    && l.endsWith("sustained flooding")).count();
            long growthMb = (rssPeak.get() - rssBefore) / 1024;
            System.out.printf("backlog probe: RSS %d MB before, peak %d MB (+%d MB); %d slow-consumer closes, %d for flooding%n",
                    rssBefore / 1024, rssPeak.get() / 1024, growthMb, slowConsumerCloses, floodingCloses);
            assertThat(slowConsumerCloses + floodingCloses).as("each attacking socket closed by a bound")
                    .isEqualTo(SOCKETS);
            assertThat(slowConsumerCloses).as("closed as slow consumers").isGreaterThanOrEqualTo(SOCKETS / 2);
            assertThat(log).doesNotContain("r".repeat(1000));
            // 20 sockets × the 8 MiB bound is 160 MiB of frames, about 320 MB once in Netty's pooled buffers (size
            // classes, chunks); without the bound the same attack grew RSS by 1.5 GB in 45 s and closed nothing.
            assertThat(growthMb).as("RSS growth").isLessThan(480);
            bystander.close();
            for (SilentClient attacker : attackers) {
                attacker.close();
            }
        }
    }

    private static int connections(HttpClient http, URI base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("api/users")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (Object o : new io.vertx.core.json.JsonArray(body)) {
            JsonObject u = (JsonObject) o;
            if (USER.equals(u.getString("user"))) {
                return u.getInteger("connections");
            }
        }
        return 0;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
