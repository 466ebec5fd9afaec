package dev.herald.api;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.MessageRules;

/** {@code GET /api/rooms/{room}}: who is in a room now, site-wide (names up to a bound; the count is exact). */
@Path("/api/rooms")
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    public record Room(String room, java.util.List<String> members, int count) {
    }

    private final DeliveryService delivery;
    private final MessageRules rules;

    RoomsResource(DeliveryService delivery, MessageRules rules) {
        this.delivery = delivery;
        this.rules = rules;
    }

    @GET
    @Path("{room}")
    public CompletionStage<Room> room(@PathParam("room") String room) {
        rules.room("room", room);
        return delivery.members(room).thenApply(m -> new Room(room, m.members(), m.count()));
    }
}
