package dev.herald.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import jakarta.inject.Singleton;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * Lists of the HTTP API come in pages: {@code ?limit=} items (a bounded default), and when more follow, a
 * {@code Link: <...&cursor=...>; rel="next"} header (RFC 8288, as GitHub's API does) whose opaque cursor continues
 * right after the last item. A page never repeats or skips an item that stays in the list.
 */
@Singleton
public class Paging {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final char SEPARATOR = '\n';

    private final ApiConfig config;

    Paging(ApiConfig config) {
        this.config = config;
    }

    /** The page size asked for with {@code ?limit=}, or the default; a 400 naming {@code limit} when out of range. */
    public int limit(String requested) {
        if (requested == null || requested.isBlank()) {
            return Math.min(config.pageSize(), config.maxPageSize());
        }
        try {
            int limit = Integer.parseInt(requested.trim());
            if (limit >= 1 && limit <= config.maxPageSize()) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest("limit", "'limit' must be a whole number from 1 to " + config.maxPageSize());
    }

    /** An opaque cursor carrying the sort key of the last item of a page. */
    public static String cursor(String... keyParts) {
        return ENCODER.encodeToString(String.join(String.valueOf(SEPARATOR), keyParts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor made by {@link #cursor}; a 400 naming {@code cursor} when it is not one. */
    public static List<String> parts(String cursor, int count) {
        try {
            List<String> parts = List.of(new String(DECODER.decode(cursor), StandardCharsets.UTF_8)
                    .split(String.valueOf(SEPARATOR), -1));
            if (parts.size() == count) {
                return parts;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw badCursor();
    }

    public static ApiProblem badCursor() {
        return ApiProblem.badRequest("cursor", "'cursor' is not a cursor this API returned; start again without it");
    }

    /**
     * Answers with the first {@code limit} of {@code items} (the caller fetched up to {@code limit + 1}); when there
     * were more, a Link header points at the next page, which starts after the last item answered.
     */
    public static <T> RestResponse<List<T>> page(List<T> items, int limit, Function<T, String> cursorOf, UriInfo uri) {
        if (items.size() <= limit) {
            return RestResponse.ok(items);
        }
        List<T> page = items.subList(0, limit);
        var next = uri.getRequestUriBuilder().replaceQueryParam("cursor", cursorOf.apply(page.get(limit - 1)))
                .replaceQueryParam("limit", limit).build();
        return RestResponse.ResponseBuilder.ok(page).header("Link", "<" + next.getRawPath() + "?" + next.getRawQuery()
                + ">; rel=\"next\"").build();
    }
}
