package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.delivery.MessageRules;
import dev.herald.protocol.ClientFrame;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Refuses, before the upgrade, a user name outside the allowed pattern or a malformed {@code ?since=} (400). The
 * per-user connection limit is {@link ConnectionLimitCheck}, the last check.
 */
@ApplicationScoped
public class UpgradeCheck implements HttpUpgradeCheck {

    private final GracefulShutdown shutdown;

    UpgradeCheck(GracefulShutdown shutdown) {
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
        if ("read".equals(since)) {
            context.userData().put(ChatEndpoint.SINCE, ClientFrame.SINCE_READ); // after the user's read cursor
        } else if (since != null) {
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
        return CheckResult.permitUpgrade();
    }
}
