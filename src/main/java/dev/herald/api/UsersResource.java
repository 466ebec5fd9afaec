package dev.herald.api;

import java.util.List;

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
    public List<OnlineUser> online() {
        return delivery.connectionCounts().entrySet().stream()
                .map(e -> new OnlineUser(e.getKey(), e.getValue())).toList();
    }
}
