package dev.herald.support;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Reads a paged list of the HTTP API to its end, following {@code Link: <...>; rel="next"}. */
public final class Pages {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    private Pages() {
    }

    /** Every item of the list at {@code path}, page after page, with these request headers. */
    public static List<Map<String, Object>> all(String path, Map<String, String> headers) {
        List<Map<String, Object>> items = new ArrayList<>();
        String next = path;
        while (next != null) {
            ExtractableResponse<Response> page = given().headers(headers).get(next).then().statusCode(200).extract();
            items.addAll(page.jsonPath().getList("$"));
            next = next(page.header("Link"));
        }
        return items;
    }

    public static List<Map<String, Object>> all(String path) {
        return all(path, Map.of());
    }

    /** The next page's path from a Link header, or null on the last page. */
    public static String next(String link) {
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }
}
