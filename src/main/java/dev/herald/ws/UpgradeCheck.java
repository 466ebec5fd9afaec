package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.connection.LimitsConfig;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.MessageRules;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Refuses, before the upgrade, a user name outside the allowed pattern or a malformed {@code ?since=} (400), and a
 * user who already holds {@code herald.limits.connections-per-user} connections (429).
 */
@ApplicationScoped
public class UpgradeCheck implements HttpUpgradeCheck {

    private final DeliveryService delivery;
    private final LimitsConfig limits;
    private final GracefulShutdown shutdown;

    UpgradeCheck(DeliveryService delivery, LimitsConfig limits, GracefulShutdown shutdown) {
        this.delivery = delivery;
        this.limits = limits;
        this.shutdown = shutdown;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return ChatEndpoint.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (shutdown.draining()) {
            return CheckResult.rejectUpgrade(503);
        }
        String user = context.pathParam("user");
        if (!MessageRules.isValidName(user)) {
            return CheckResult.rejectUpgrade(400);
        }
        String since = context.httpRequest().getParam("since");
        if (since != null) {
            try {
                long value = Long.parseLong(since);
                if (value < 0) {
                    return CheckResult.rejectUpgrade(400);
                }
                context.userData().put(ChatEndpoint.SINCE, value);
            } catch (NumberFormatException e) {
                return CheckResult.rejectUpgrade(400);
            }
        }
        // The slot is taken atomically here and given back when the connection closes.
        return Uni.createFrom().completionStage(delivery.reserve(user, limits.connectionsPerUser()))
                .flatMap(taken -> taken ? CheckResult.permitUpgrade() : CheckResult.rejectUpgrade(429));
    }
}
