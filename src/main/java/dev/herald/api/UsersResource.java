package dev.herald.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.herald.delivery.DeliveryService;

/** {@code GET /api/users}: who is online now, with how many connections each. */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    public record OnlineUser(String user, int connections) {
    }

    private final DeliveryService delivery;

    UsersResource(DeliveryService delivery) {
        this.delivery = delivery;
    }

    @GET
    public CompletionStage<List<OnlineUser>> online() {
        return delivery.connectionCounts().thenApply(counts -> counts.entrySet().stream()
                .map(e -> new OnlineUser(e.getKey(), e.getValue())).toList());
    }
}
