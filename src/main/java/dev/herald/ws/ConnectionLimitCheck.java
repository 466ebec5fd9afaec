package dev.herald.ws;

import dev.herald.connection.ConnectionSlots;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.smallrye.mutiny.Uni;

/**
 * Takes one of the user's {@code herald.limits.connections-per-user} slots at the upgrade, or refuses it with 429.
 * It runs after every other check (checks run by descending priority): an upgrade another check refuses, such as
 * one without a valid token, never holds a slot.
 */
@ApplicationScoped
@Priority(Integer.MIN_VALUE)
public class ConnectionLimitCheck implements HttpUpgradeCheck {

    static final TypedKey<ConnectionSlots.Slot> SLOT = new TypedKey<>("herald.slot");

    private final ConnectionSlots slots;

    ConnectionLimitCheck(ConnectionSlots slots) {
        this.slots = slots;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return ChatEndpoint.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        ConnectionSlots.Slot slot = slots.take(context.pathParam("user"));
        if (slot == null) {
            return CheckResult.rejectUpgrade(429);
        }
        context.userData().put(SLOT, slot);
        return CheckResult.permitUpgrade();
    }
}
