package dev.herald.ws;

import dev.herald.connection.LimitsConfig;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The HTTP server settings Herald's limits rely on.
 * <ul>
 * <li>No WebSocket compression. Vert.x 4.5 builds Netty's permessage-deflate and deflate-frame handshakers without
 * Netty's {@code maxAllocation}, so a 129 KB compressed frame inflates to 127 MiB before any message size is
 * checked. Herald's frames are short JSON, and each compressing socket would also hold about 300 KB of zlib state.
 * <li>{@code herald.limits.request-timeout}: a connection that has not got its answer (a response, or the 101 of
 * a WebSocket upgrade) this long after it opened or after its previous answer is closed, however slowly it
 * trickles bytes in: Vert.x closes on the writer-idle event, which reads do not postpone. Upgraded WebSockets
 * leave this timer behind ({@link UpgradeHardening}) and are governed by pings and
 * {@code herald.limits.idle-timeout}.
 * </ul>
 * The lowest priority runs it after Quarkus' own customizers, whose settings it overrides.
 */
@ApplicationScoped
@Priority(Integer.MIN_VALUE)
public class TransportOptions implements HttpServerOptionsCustomizer {

    private final LimitsConfig limits;

    TransportOptions(LimitsConfig limits) {
        this.limits = limits;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setPerMessageWebSocketCompressionSupported(false);
        options.setPerFrameWebSocketCompressionSupported(false);
        int timeout = (int) Math.max(1, limits.requestTimeout().toMillis());
        options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        options.setIdleTimeout(timeout); // no byte either way: also ends connections that never sent one
        options.setWriteIdleTimeout(timeout);
        options.setReadIdleTimeout(0);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customizeHttpServer(options);
    }
}
