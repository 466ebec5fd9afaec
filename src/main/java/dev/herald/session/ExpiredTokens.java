package dev.herald.session;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.auth.Tokens;
import dev.herald.delivery.Hub;
import io.quarkus.scheduler.Scheduled;

/**
 * With authentication on, a connection lives as long as its token: once the token's {@code exp} (plus the allowed
 * clock skew) has passed without an {@code auth} frame renewing it, the connection is closed with 1008.
 */
@ApplicationScoped
public class ExpiredTokens {

    private static final Logger LOG = Logger.getLogger(ExpiredTokens.class);

    private final Hub hub;
    private final Tokens tokens;

    ExpiredTokens(Hub hub, Tokens tokens) {
        this.hub = hub;
        this.tokens = tokens;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeExpired() {
        if (!tokens.enabled()) {
            return;
        }
        long now = Instant.now().getEpochSecond(); // the JWT library's clock, not the scheduling Clock bean
        hub.forEach(c -> {
            if (c.lease() != null && c.lease().endsNow(now, tokens.clockSkewSeconds())) {
                LOG.infof("closing %s: token expired", c);
                c.close(1008, "token expired");
            }
        });
    }
}
