package dev.herald.sse;

import static dev.herald.support.TestSocket.online;
import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.EventStream;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * An event stream's frames cost from its connection's rate limit, however they arrive (one frame per second, five
 * at once, ten refused in a row close the stream), and the connection gauge counts event streams.
 */
@QuarkusTest
@TestProfile(EventStreamLimitsTest.SlowRate.class)
class EventStreamLimitsTest {

    public static class SlowRate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.messages-per-second", "1", "herald.limits.burst", "5",
                    "herald.limits.abuse-threshold", "10");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void postsOfOneStreamShareItsRateLimitEvenWhenTheyArriveTogether() {
        String amy = uniqueUser("amy"), bo = uniqueUser("bo");
        try (var sse = EventStream.user(base, amy); var b = TestSocket.user(base, bo)) {
            // Eight POSTs at once, each on its own HTTP connection (and so on any event loop): the burst of five passes.
            // (Their own threads: common-pool threads would outlive this test's class loader and break later tests.)
            List<CompletableFuture<EventStream.Answer>> posts = new ArrayList<>();
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<EventStream.Answer> answers;
            try {
                for (int i = 0; i < 8; i++) {
                    String text = "burst " + i;
                    posts.add(CompletableFuture.supplyAsync(() -> sse.post(
                            new JsonObject().put("type", "send").put("to", bo).put("text", text)), threads));
                }
                answers = posts.stream().map(CompletableFuture::join).toList();
            } finally {
                threads.shutdownNow();
            }
            assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(5)
                    .allMatch(a -> "ack".equals(a.json().getString("type")));
            assertThat(answers).filteredOn(a -> a.status() == 429).hasSize(3)
                    .allMatch(a -> "rate_limited".equals(a.json().getString("code")));
            assertThat(b.awaitMessages(5)).hasSize(5);
            assertThat(sse.ended()).isFalse();
        }
    }

    @Test
    void sustainedFloodingOverPostsClosesTheStream() {
        String fay = uniqueUser("fay");
        try (var sse = EventStream.user(base, fay)) {
            String frame = new JsonObject().put("type", "broadcast").put("text", "flood").encode();
            int refused = 0;
            for (int i = 0; i < 5 + 10; i++) {
                if (sse.post(frame).status() == 429) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(10);
            sse.awaitEnded(Duration.ofSeconds(10));
            Awaitility.await().until(() -> !online(fay));
            EventStream.Answer after = sse.post(frame);
            assertThat(after.status()).isEqualTo(404);
            assertThat(after.json().getString("code")).isEqualTo("unknown_connection");
        }
    }

    @Test
    void theConnectionGaugeCountsEventStreams() {
        String gus = uniqueUser("gus");
        Awaitility.await().until(() -> gauge() == 0);
        try (var one = EventStream.user(base, gus); var two = EventStream.user(base, gus);
                var socket = TestSocket.user(base, gus)) {
            Awaitility.await().until(() -> gauge() == 3);
        }
        Awaitility.await().until(() -> gauge() == 0);
    }

    private static double gauge() {
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("herald_connections_open"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
