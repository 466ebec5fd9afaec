package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * Thousands of random and malformed frames and HTTP bodies from many clients at once, while well-behaved clients
 * keep talking: the server stays up, every good message arrives exactly once, and the error counts match.
 */
@QuarkusTest
class BadInputAtVolumeTest {

    private static final int BAD_CLIENTS = 20, BAD_FRAMES_EACH = 200;
    private static final int PAIRS = 10, GOOD_MESSAGES_EACH = 100;
    private static final int BAD_BODIES = 200, GOOD_PUSHES = 50;
    private static final Pattern ERRORS = Pattern.compile("(?m)^herald_errors_total\\{[^}]*\\} ([0-9.E]+)$");

    @TestHTTPResource("/")
    URI base;

    private static final String[] BAD_TEMPLATES = {
            "{\"type\":\"send\",", "[1,2]", "42", "null", "{\"type\":\"dance\"}", "{\"type\":\"send\",\"text\":\"x\"}",
            "{\"type\":\"join\"}", "{\"type\":\"resume\",\"since\":-4}", "{\"type\":\"broadcast\",\"text\":\"\"}",
            "{\"type\":\"send\",\"to\":\"no body\",\"text\":\"x\"}", "{\"type\":\"leave\",\"room\":\"never-joined\"}",
            "{\"type\":\"broadcast\",\"text\":\"" + "y".repeat(300) + "\"}", "{\"to_user\":5,\"message\":\"x\"}",
    };

    private static String badFrame(Random random) {
        if (random.nextInt(4) == 0) {
            byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            return "~" + new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1); // never valid JSON
        }
        return BAD_TEMPLATES[random.nextInt(BAD_TEMPLATES.length)];
    }

    private static final String[] BAD_BODIES_TEMPLATES = {
            "{", "[]", "{\"text\":\"no target\"}", "{\"to\":\"a b\",\"text\":\"x\"}", "{\"to\":\"a\",\"text\":\"x\",\"cron\":\"nope\"}",
            "{\"to\":\"a\",\"text\":\"x\",\"deliverAt\":\"soon\"}", "{\"to\":\"a\",\"text\":\"x\",\"nope\":1}", "\"str\"",
    };

    /** Requests to where /q/* answers: the main port here, the management interface in the packaged build. */
    protected RequestSpecification management() {
        return given();
    }

    private double errorsTotal() {
        Matcher m = ERRORS.matcher(management().get("/q/metrics").then().statusCode(200).extract().asString());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    @Test
    void serverStaysUpGoodMessagesArriveOnceAndErrorsAddUp() throws Exception {
        double errorsBefore = errorsTotal();
        List<TestSocket> bad = new ArrayList<>();
        List<TestSocket[]> pairs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < BAD_CLIENTS; i++) {
                bad.add(TestSocket.user(base, uniqueUser("noisy" + i)));
            }
            for (int i = 0; i < PAIRS; i++) {
                pairs.add(new TestSocket[] { TestSocket.user(base, uniqueUser("talker" + i)),
                        TestSocket.user(base, uniqueUser("listener" + i)) });
            }
            String pushTarget = uniqueUser("pushed");
            TestSocket pushed = TestSocket.user(base, pushTarget);

            List<Future<Integer>> http = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                http.add(pool.submit(() -> {
                    int refused = 0;
                    for (int i = part; i < BAD_BODIES; i += 4) {
                        int status = given().contentType(ContentType.JSON).body(BAD_BODIES_TEMPLATES[i % BAD_BODIES_TEMPLATES.length])
                                .post("/api/messages").then().extract().statusCode();
                        refused += status == 400 ? 1 : 0;
                    }
                    return refused;
                }));
            }
            Future<Integer> pushes = pool.submit(() -> {
                int created = 0;
                for (int i = 0; i < GOOD_PUSHES; i++) {
                    created += given().contentType(ContentType.JSON)
                            .body(new JsonObject().put("to", pushTarget).put("text", "push " + i).encode())
                            .post("/api/messages").then().extract().statusCode() == 201 ? 1 : 0;
                }
                return created;
            });

            Random random = new Random(42);
            for (int round = 0; round < BAD_FRAMES_EACH; round++) {
                for (TestSocket s : bad) {
                    s.send(badFrame(random));
                }
                if (round % (BAD_FRAMES_EACH / GOOD_MESSAGES_EACH) == 0) {
                    int n = round / (BAD_FRAMES_EACH / GOOD_MESSAGES_EACH);
                    for (TestSocket[] pair : pairs) {
                        String to = pair[1].frames().get(0).getString("user");
                        pair[0].send(new JsonObject().put("type", "send").put("to", to).put("text", "good " + n));
                    }
                }
            }

            for (Future<Integer> f : http) {
                assertThat(f.get()).isEqualTo(BAD_BODIES / 4);
            }
            assertThat(pushes.get()).isEqualTo(GOOD_PUSHES);
            for (TestSocket[] pair : pairs) {
                List<String> got = pair[1].awaitMessages(GOOD_MESSAGES_EACH).stream().map(m -> m.getString("text")).toList();
                assertThat(got).hasSize(GOOD_MESSAGES_EACH).doesNotHaveDuplicates();
                assertThat(got).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, GOOD_MESSAGES_EACH).mapToObj(i -> "good " + i).toList());
            }
            assertThat(pushed.awaitMessages(GOOD_PUSHES)).hasSize(GOOD_PUSHES);
            for (TestSocket s : bad) {
                Awaitility.await().until(() -> s.ofType("error").size() >= BAD_FRAMES_EACH);
                assertThat(s.ofType("error")).hasSize(BAD_FRAMES_EACH);
                assertThat(s.isClosed()).isFalse();
            }
            double expected = BAD_CLIENTS * BAD_FRAMES_EACH;
            Awaitility.await().until(() -> errorsTotal() - errorsBefore >= expected);
            assertThat(errorsTotal() - errorsBefore).isEqualTo(expected);
            management().get("/q/health/live").then().statusCode(200);
            pushed.close();
        } finally {
            pool.shutdownNow();
            bad.forEach(TestSocket::close);
            pairs.forEach(p -> {
                p[0].close();
                p[1].close();
            });
        }
    }
}
