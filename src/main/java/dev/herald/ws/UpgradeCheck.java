package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.delivery.MessageRules;
import dev.herald.protocol.ClientFrame;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Refuses, before the upgrade, a user name outside the allowed pattern or a malformed {@code ?since=} or {@code ?echo=} (400). The
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
        try {
            Long since = MessageRules.since(context.httpRequest().getParam("since"));
            if (since != null) {
                context.userData().put(ChatEndpoint.SINCE, since);
            }
            if (!MessageRules.echo(context.httpRequest().getParam("echo"))) {
                context.userData().put(ChatEndpoint.NO_ECHO, true);
            }
        } catch (IllegalArgumentException e) {
            return CheckResult.rejectUpgrade(400);
        }
        return CheckResult.permitUpgrade();
    }
}
