package dev.herald.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.herald.delivery.DeliveryService;

/** {@code GET /api/users}: who is online now, with how many connections each, by name, one page at a time. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    public record OnlineUser(String user, int connections) {
    }

    private final DeliveryService delivery;
    private final Paging paging;

    UsersResource(DeliveryService delivery, Paging paging) {
        this.delivery = delivery;
        this.paging = paging;
    }

    @GET
    public CompletionStage<RestResponse<List<OnlineUser>>> online(@QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        int size = paging.limit(limit);
        String after = cursor == null ? null : Paging.parts(cursor, 1).get(0);
        return delivery.connectionCounts(after, size + 1).thenApply(counts -> Paging.page(counts.entrySet().stream()
                .map(e -> new OnlineUser(e.getKey(), e.getValue())).toList(), size, u -> Paging.cursor(u.user()), uri));
    }
}
