package dev.herald.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.MessageRules;

/** {@code GET /api/users}: who is online now, with how many connections each, by name, one page at a time. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    public record OnlineUser(String user, int connections) {
    }

    /**
     * Where a user's reading stands, for a back end that sends an e-mail or a mobile push when something stays
     * unread: the read cursor, how many kept messages from others lie after it, and the newest id of the stream.
     */
    public record Cursor(String user, long readUpTo, int unread, long lastMessageId) {
    }

    private final DeliveryService delivery;
    private final Paging paging;
    private final MessageRules rules;
    private final ApiCaller caller;

    UsersResource(DeliveryService delivery, Paging paging, MessageRules rules, ApiCaller caller) {
        this.delivery = delivery;
        this.paging = paging;
        this.rules = rules;
        this.caller = caller;
    }

    /** A publisher reads anyone's; a user their own. */
    @GET
    @Path("{user}/cursor")
    public CompletionStage<Cursor> cursor(@PathParam("user") String user) {
        rules.user("user", user);
        caller.requireActsFor(user, "user");
        return delivery.position(user).thenApply(p -> new Cursor(user, p.readUpTo(), p.unread(), p.lastId()));
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
