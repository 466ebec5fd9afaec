package dev.herald.schedule;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;



/** Ready while the scheduled-message store answers; reports how many messages are pending. */
@Readiness
@ApplicationScoped
public class DueMessagesHealth implements HealthCheck {

    private final ScheduleService schedule;

    DueMessagesHealth(ScheduleService schedule) {
        this.schedule = schedule;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("scheduled-messages").up()
                .withData("pending", schedule.pendingCount()).build();
    }
}
