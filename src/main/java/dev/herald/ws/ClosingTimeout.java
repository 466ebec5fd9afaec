package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.connection.LimitsConfig;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * How long a closing socket waits for the peer's close frame before the TCP connection is cut. A dead or
 * non-reading peer never answers, so this bounds what it holds after being dropped (Vert.x default: 10 s).
 */
@ApplicationScoped
public class ClosingTimeout implements HttpServerOptionsCustomizer {

    private final LimitsConfig limits;

    ClosingTimeout(LimitsConfig limits) {
        this.limits = limits;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setWebSocketClosingTimeout((int) Math.max(1, limits.closingTimeout().toSeconds()));
    }
}
