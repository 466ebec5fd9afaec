package dev.herald.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Issue 14: Herald with a data directory, killed with SIGKILL at a random moment while clients send direct messages
 * (recording their acks), scheduled messages are accepted and fall due (before, while and after the kill) and a job
 * reports task events — then restarted on the same directory, three times over. Nothing acknowledged is lost, no
 * message is delivered twice and no id is reused for another message, {@code ?since=} after a restart needs no gap,
 * scheduled messages are delivered exactly once (late ones with {@code pastDue}), recurring and pending ones are
 * still there, tasks read back with every acknowledged event.
 */
class KillAndRestartIT {

    private static final int PAIRS = 6;
    private static final int ROUNDS = 3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One WebSocket client: every frame parsed once as it arrives. */
    static final class Client implements WebSocket.Listener {
        final String user;
        final List<JsonObject> messages = new CopyOnWriteArrayList<>();
        final Map<Object, JsonObject> acks = new ConcurrentHashMap<>();
        final Semaphore window = new Semaphore(32);
        volatile JsonObject welcome;
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        Client(String user) {
            this.user = user;
        }

        static Client open(URI base, String user, Long since) {
            Client c = new Client(user);
            URI uri = URI.create("ws://localhost:" + base.getPort() + "/ws/" + user + (since == null ? "" : "?since=" + since));
            c.socket = HTTP.newWebSocketBuilder().buildAsync(uri, c).join();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.welcome != null);
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            synchronized (partial) {
                partial.append(data);
                if (last) {
                    JsonObject f = new JsonObject(partial.toString());
                    partial.setLength(0);
                    switch (f.getString("type")) {
                        case "welcome" -> welcome = f;
                        case "message" -> messages.add(f);
                        case "ack", "error" -> {
                            acks.put(f.getValue("ref"), f);
                            window.release();
                        }
                        default -> {
                        }
                    }
                }
            }
            ws.request(1);
            return null;
        }

        /** Sends while fewer than 32 frames await their answer; false once the server stopped answering. */
        boolean send(String to, String text, int ref) throws InterruptedException {
            if (!window.tryAcquire(2, TimeUnit.SECONDS)) {
                return false;
            }
            socket.sendText(new JsonObject().put("type", "send").put("to", to).put("text", text).put("ref", ref)
                    .encode(), true);
            return true;
        }

        long lastId() {
            return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).getLong("id");
        }

        void close() {
            socket.abort();
        }
    }

    private record Scheduled(String id, String to, String text) {
    }

    @Test
    void killedAtRandomMomentsUnderTrafficItLosesNothingAcknowledgedAndDeliversNothingTwice() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("herald-kill");
        // everything a receiver was shown live, over all rounds: id -> text, per user
        Map<String, Map<Long, String>> shown = new ConcurrentHashMap<>();
        Map<String, Long> resumeFrom = new ConcurrentHashMap<>();
        Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>(); // per receiver: texts whose send was acked
        Map<String, Map<Long, String>> senderCopies = new ConcurrentHashMap<>(); // per sender: ack id -> text
        List<Scheduled> scheduled = new CopyOnWriteArrayList<>();
        List<Scheduled> dueWhileDown = new ArrayList<>();
        Map<String, List<String>> taskLines = new LinkedHashMap<>(); // task id -> lines acked
        String epoch = null;
        String recurring = null, pendingLater = null;

        try (ServerProcess server = new ServerProcess("kill-restart-it", List.of("-Dherald.auth.enabled=false",
                "-Dherald.data-dir=" + dir, "-Dherald.delivery.presence-limit=0", "-Dherald.delivery.mailbox-size=100000",
                "-Dherald.limits.messages-per-second=100000", "-Dherald.limits.burst=100000",
                "-Dherald.schedule.max-sleep=20ms",
                // a longer wait for the commit than the default 2 ms: a kill lands between a message's numbering and
                // its commit more often, which is where something could be shown or acknowledged and then lost
                "-Dherald.data-dir-commit-interval=10ms"))) {
            for (int round = 0; round <= ROUNDS; round++) {
                server.start();
                URI base = server.base();
                List<Client> receivers = new ArrayList<>(), senders = new ArrayList<>();
                for (int i = 0; i < PAIRS; i++) {
                    String r = "r" + i;
                    Client c = Client.open(base, r, resumeFrom.get(r));
                    // After a restart, ?since= the last id shown needs no gap, in the same epoch.
                    if (epoch == null) {
                        epoch = c.welcome.getString("epoch");
                    }
                    assertThat(c.welcome.getString("epoch")).as("epoch after restart %d (seed %d)", round, seed).isEqualTo(epoch);
                    if (resumeFrom.containsKey(r)) {
                        assertThat(c.welcome.getBoolean("gap")).as("gap for %s since %d (seed %d)", r, resumeFrom.get(r), seed)
                                .isFalse();
                    }
                    receivers.add(c);
                    senders.add(Client.open(base, "s" + i, null));
                }
                if (round == ROUNDS) {
                    verify(base, receivers, shown, acknowledged, senderCopies, scheduled, dueWhileDown, taskLines,
                            recurring, pendingLater, seed);
                    receivers.forEach(Client::close);
                    senders.forEach(Client::close);
                    return;
                }
                if (round == 0) {
                    recurring = post(base, new JsonObject().put("to", "r1").put("text", "tick").put("cron", "* * * * * ?"))
                            .getString("id");
                    pendingLater = post(base, new JsonObject().put("to", "r2").put("text", "next week").put("delaySeconds", 604800))
                            .getString("id");
                }

                // Traffic: direct messages from every sender, scheduled messages due within 1.5 s, task events.
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger acks = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(PAIRS + 2);
                int thisRound = round;
                for (int i = 0; i < PAIRS; i++) {
                    Client s = senders.get(i);
                    String to = "r" + i;
                    pool.submit(() -> {
                        for (int n = 0; !stop.get(); n++) {
                            if (!s.send(to, s.user + "-" + thisRound + "-" + n, n)) {
                                break;
                            }
                            acks.incrementAndGet();
                        }
                        return null;
                    });
                }
                pool.submit(() -> {
                    for (int k = 0; !stop.get(); k++) {
                        String to = "r" + (k % PAIRS), text = "sched-" + thisRound + "-" + k;
                        JsonObject accepted = tryPost(base, new JsonObject().put("to", to).put("text", text)
                                .put("delaySeconds", (k % 16) / 10.0));
                        if (accepted != null) {
                            scheduled.add(new Scheduled(accepted.getString("id"), to, text));
                        }
                    }
                    return null;
                });
                String task = post(base, "/api/tasks", new JsonObject().put("owner", "ops").put("title", "round " + round))
                        .getString("id");
                List<String> lines = new CopyOnWriteArrayList<>();
                taskLines.put(task, lines);
                pool.submit(() -> {
                    for (int e = 0; !stop.get(); e++) {
                        if (tryPost(base, "/api/tasks/" + task + "/events", new JsonObject().put("line", "e" + e)) == null) {
                            break;
                        }
                        lines.add("e" + e);
                    }
                    return null;
                });

                // A random moment under traffic; one message falls due while Herald is down.
                int target = 300 + random.nextInt(1500);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acks.get() >= target);
                JsonObject late = post(base, new JsonObject().put("to", "r0").put("text", "while down " + round)
                        .put("delaySeconds", 1));
                dueWhileDown.add(new Scheduled(late.getString("id"), "r0", "while down " + round));
                int more = acks.get() + 1 + random.nextInt(40); // not right after that commit: mid-traffic
                Awaitility.await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> acks.get() >= more);
                server.kill();
                long downSince = System.nanoTime();
                System.out.printf("KillAndRestartIT round %d: killed after %d sends acknowledged%n", round, acks.get());
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();

                for (Client r : receivers) {
                    Map<Long, String> mine = shown.computeIfAbsent(r.user, u -> new ConcurrentHashMap<>());
                    for (JsonObject m : r.messages) {
                        String before = mine.put(m.getLong("id"), m.getString("text"));
                        assertThat(before).as("id %d shown twice to %s (seed %d)", m.getLong("id"), r.user, seed)
                                .isNull();
                    }
                    if (!r.messages.isEmpty()) {
                        resumeFrom.put(r.user, r.lastId());
                    }
                    r.close();
                }
                for (int i = 0; i < PAIRS; i++) {
                    Client s = senders.get(i);
                    for (JsonObject ack : s.acks.values()) {
                        if ("ack".equals(ack.getString("type"))) {
                            String text = s.user + "-" + round + "-" + ack.getInteger("ref");
                            acknowledged.computeIfAbsent("r" + i, u -> ConcurrentHashMap.newKeySet()).add(text);
                            senderCopies.computeIfAbsent(s.user, u -> new ConcurrentHashMap<>()).put(ack.getLong("id"), text);
                        }
                    }
                    s.close();
                }
                // Down for 1.5 s however fast the executable starts again: "while down" falls due in the meantime.
                long downFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSince);
                if (downFor < 1500) {
                    Thread.sleep(1500 - downFor);
                }
            }
        } finally {
            System.out.println("KillAndRestartIT seed " + seed + ", data directory " + dir);
        }
    }

    private static void verify(URI base, List<Client> live, Map<String, Map<Long, String>> shown,
            Map<String, Set<String>> acknowledged, Map<String, Map<Long, String>> senderCopies,
            List<Scheduled> scheduled, List<Scheduled> dueWhileDown, Map<String, List<String>> taskLines,
            String recurring, String pendingLater, long seed) {
        // Everything accepted for now or the next 1.5 s has fired by now (the late ones at start).
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> array(base, "/api/messages?status=pending&limit=1000")
                .stream().map(o -> ((JsonObject) o).getString("id")).allMatch(id -> id.equals(recurring) || id.equals(pendingLater)));
        assertThat(object(base, "/api/messages/" + pendingLater).getString("status")).isEqualTo("pending");
        for (Scheduled late : dueWhileDown) {
            JsonObject m = object(base, "/api/messages/" + late.id());
            assertThat(m.getString("status")).isEqualTo("delivered");
            assertThat(m.getBoolean("pastDue")).as("%s pastDue", late.text()).isTrue();
        }
        assertThat(delete(base, "/api/messages/" + recurring)).isEqualTo(200);
        int ticks = object(base, "/api/messages/" + recurring).getInteger("deliveries");
        assertThat(ticks).isPositive();

        System.out.printf("KillAndRestartIT: %d messages shown, %d acknowledged, %d scheduled accepted, %d task events%n",
                shown.values().stream().mapToInt(Map::size).sum(), acknowledged.values().stream().mapToInt(Set::size).sum(),
                scheduled.size(), taskLines.values().stream().mapToInt(List::size).sum());
        for (Client r : live) {
            // The whole stream as kept: since=0 is older than the stream, so it replays everything it keeps.
            Client all = Client.open(base, r.user, 0L);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> all.lastId() >= all.welcome.getLong("lastMessageId"));
            Map<Long, String> stream = new LinkedHashMap<>();
            List<String> texts = new ArrayList<>();
            for (JsonObject m : all.messages) {
                stream.put(m.getLong("id"), m.getString("text"));
                texts.add(m.getString("text"));
            }
            all.close();
            assertThat(new ArrayList<>(stream.keySet())).as("ids of %s (seed %d)", r.user, seed).isSorted()
                    .doesNotHaveDuplicates();
            List<String> once = texts.stream().filter(t -> !t.equals("tick")).toList();
            assertThat(once).as("texts of %s (seed %d)", r.user, seed).doesNotHaveDuplicates();
            // Every id shown before a kill still names the same message: none was handed out again.
            shown.getOrDefault(r.user, Map.of()).forEach((id, text) ->
                    assertThat(stream.get(id)).as("id %d of %s (seed %d)", id, r.user, seed).isEqualTo(text));
            assertThat(texts).as("acknowledged to %s (seed %d)", r.user, seed)
                    .containsAll(acknowledged.getOrDefault(r.user, Set.of()));
            for (Scheduled s : scheduled) {
                if (s.to().equals(r.user)) {
                    assertThat(texts).as("scheduled %s (seed %d)", s.text(), seed).contains(s.text());
                }
            }
            for (Scheduled s : dueWhileDown) {
                if (s.to().equals(r.user)) {
                    assertThat(texts).contains(s.text());
                }
            }
            if (r.user.equals("r1")) {
                assertThat(texts.stream().filter("tick"::equals).count()).as("ticks delivered (seed %d)", seed)
                        .isEqualTo(ticks);
            }
        }
        senderCopies.forEach((sender, copies) -> {
            Client own = Client.open(base, sender, 0L);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> own.lastId() >= own.welcome.getLong("lastMessageId"));
            Map<Long, String> stream = new LinkedHashMap<>();
            own.messages.forEach(m -> stream.put(m.getLong("id"), m.getString("text")));
            own.close();
            copies.forEach((id, text) -> assertThat(stream.get(id)).as("%s's own copy %d (seed %d)", sender, id, seed)
                    .isEqualTo(text));
        });
        taskLines.forEach((task, acked) -> {
            List<String> stored = object(base, "/api/tasks/" + task).getJsonArray("events").stream()
                    .map(e -> ((JsonObject) e).getString("line")).filter(l -> !"created".equals(l)).toList();
            assertThat(stored).as("task events (seed %d)", seed).startsWith(acked.toArray(String[]::new));
            assertThat(stored.size()).isLessThanOrEqualTo(acked.size() + 1); // at most the one in flight at the kill
        });
    }

    private static JsonObject post(URI base, JsonObject body) {
        return post(base, "/api/messages", body);
    }

    private static JsonObject post(URI base, String path, JsonObject body) {
        JsonObject created = tryPost(base, path, body);
        assertThat(created).as("POST %s %s", path, body).isNotNull();
        return created;
    }

    private static JsonObject tryPost(URI base, JsonObject body) {
        return tryPost(base, "/api/messages", body);
    }

    /** The created resource, or null when the server did not answer 201 (it is being killed). */
    private static JsonObject tryPost(URI base, String path, JsonObject body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 201 ? new JsonObject(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String get(URI base, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonObject object(URI base, String path) {
        return new JsonObject(get(base, path));
    }

    private static JsonArray array(URI base, String path) {
        return new JsonArray(get(base, path));
    }

    private static int delete(URI base, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).DELETE().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
