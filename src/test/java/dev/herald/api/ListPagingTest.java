package dev.herald.api;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.herald.support.Pages;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * The HTTP API's lists come in pages ({@code limit}, and a {@code Link: <...>; rel="next"} header with an opaque
 * cursor): following the links yields every item exactly once, in a stable order, and the filters hold on every
 * page.
 */
@QuarkusTest
class ListPagingTest {

    @TestHTTPResource("/")
    URI base;

    private static String post(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/messages").then().statusCode(201).extract()
                .path("id");
    }

    /** Follows the pages of {@code path}: every page at most {@code limit} items, the last one without a Link. */
    private static List<Map<String, Object>> walk(String path, int limit) {
        List<Map<String, Object>> items = new ArrayList<>();
        String next = path;
        while (next != null) {
            ExtractableResponse<Response> page = given().get(next).then().statusCode(200).extract();
            List<Map<String, Object>> these = page.jsonPath().getList("$");
            assertThat(these).hasSizeLessThanOrEqualTo(limit);
            items.addAll(these);
            next = Pages.next(page.header("Link"));
            if (next != null) {
                assertThat(these).hasSize(limit);
            }
        }
        return items;
    }

    @Test
    void messagesPageThroughEveryItemOnceWithTheFiltersOnEveryPage() {
        String ivy = uniqueUser("ivy"), room = uniqueUser("room");
        List<String> pendingToIvy = new ArrayList<>();
        List<String> deliveredToIvy = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            pendingToIvy.add(post("{\"to\":\"" + ivy + "\",\"text\":\"p" + i + "\",\"delaySeconds\":86400}"));
            if (i % 3 == 0) {
                deliveredToIvy.add(post("{\"to\":\"" + ivy + "\",\"text\":\"d" + i + "\"}"));
                post("{\"room\":\"" + room + "\",\"text\":\"r" + i + "\"}");
            }
        }
        List<Map<String, Object>> pending = walk("/api/messages?status=pending&to=" + ivy + "&limit=5", 5);
        assertThat(pending).extracting(m -> m.get("id")).containsExactlyElementsOf(pendingToIvy);
        assertThat(pending).allSatisfy(m -> assertThat(m).containsEntry("to", ivy).containsEntry("status", "pending"));

        assertThat(walk("/api/messages?to=" + ivy + "&limit=4", 4)).extracting(m -> m.get("id"))
                .containsExactlyInAnyOrderElementsOf(concat(pendingToIvy, deliveredToIvy)).doesNotHaveDuplicates();
        assertThat(walk("/api/messages?room=" + room + "&limit=3", 3)).hasSize(8)
                .allSatisfy(m -> assertThat(m).containsEntry("room", room));
    }

    @Test
    void anItemAddedWhilePagingAppearsOnALaterPageAndNothingRepeats() {
        String joe = uniqueUser("joe");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(post("{\"to\":\"" + joe + "\",\"text\":\"" + i + "\",\"delaySeconds\":86400}"));
        }
        ExtractableResponse<Response> first = given().get("/api/messages?to=" + joe + "&limit=4").then().extract();
        ids.add(post("{\"to\":\"" + joe + "\",\"text\":\"late\",\"delaySeconds\":86400}"));
        List<Object> seen = new ArrayList<>(first.jsonPath().getList("id"));
        seen.addAll(Pages.all(Pages.next(first.header("Link"))).stream().map(m -> m.get("id")).toList());
        assertThat(seen).containsExactlyElementsOf(ids);
    }

    @Test
    void usersAndTasksPageToo() {
        String prefix = uniqueUser("pg");
        List<TestSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(TestSocket.user(base, prefix + "-" + i));
            }
            List<Object> users = walk("/api/users?limit=2", 2).stream().map(u -> u.get("user")).toList();
            assertThat(users).doesNotHaveDuplicates().isSorted();
            assertThat(users.stream().filter(u -> ((String) u).startsWith(prefix))).hasSize(5);
        } finally {
            sockets.forEach(TestSocket::close);
        }

        String owner = uniqueUser("own");
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            tasks.add(0, given().contentType(ContentType.JSON).body("{\"owner\":\"" + owner + "\",\"title\":\"t" + i + "\"}")
                    .post("/api/tasks").then().statusCode(201).extract().path("id"));
        }
        // Newest first, across pages.
        assertThat(walk("/api/tasks?owner=" + owner + "&limit=3", 3)).extracting(t -> t.get("id"))
                .containsExactlyElementsOf(tasks);
    }

    @Test
    void badLimitsAndCursorsAre400NamingTheParameter() {
        for (String path : List.of("/api/messages", "/api/users", "/api/tasks?owner=x")) {
            String sep = path.contains("?") ? "&" : "?";
            for (String limit : List.of("0", "-1", "1001", "ten")) {
                given().get(path + sep + "limit=" + limit).then().statusCode(400).body("field", equalTo("limit"));
            }
            given().get(path + sep + "cursor=not-a-cursor!").then().statusCode(400).body("field", equalTo("cursor"));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
