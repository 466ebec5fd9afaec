package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.delivery.MessageRules;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/** Refuses, before the upgrade, a user name outside the allowed pattern or a malformed {@code ?since=}. */
@ApplicationScoped
public class UpgradeCheck implements HttpUpgradeCheck {

    @Override
    public boolean appliesTo(String endpointId) {
        return ChatEndpoint.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (!MessageRules.isValidName(context.pathParam("user"))) {
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
        return CheckResult.permitUpgrade();
    }
}
