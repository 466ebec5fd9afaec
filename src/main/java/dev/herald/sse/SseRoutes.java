package dev.herald.sse;

import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The Server-Sent Events transport's two routes: {@code GET /sse/{user}} (a trailing {@code /} too) and
 * {@code POST /api/frames}. Plain Vert.x routes rather than JAX-RS: the stream needs its own chunked writes, backlog
 * count and close, which a REST {@code Multi} would hide.
 */
@ApplicationScoped
public class SseRoutes {

    /** Vert.x's default when {@code quarkus.websockets-next.server.max-message-size} is not set. */
    private static final int VERTX_DEFAULT_MESSAGE_SIZE = 65_536;

    private final EventStreams streams;
    private final FramePosts posts;
    private final int maxMessageSize;

    SseRoutes(EventStreams streams, FramePosts posts,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size") OptionalInt maxMessageSize) {
        this.streams = streams;
        this.posts = posts;
        this.maxMessageSize = maxMessageSize.orElse(VERTX_DEFAULT_MESSAGE_SIZE);
    }

    void register(@Observes Router router) {
        router.routeWithRegex(HttpMethod.GET, "/sse/(?<user>[^/]+)/?").handler(streams::open);
        // A frame is no bigger over HTTP than over a socket: the same message size, 413 past it.
        router.route(HttpMethod.POST, "/api/frames")
                .handler(BodyHandler.create(false).setBodyLimit(maxMessageSize))
                .handler(posts::post)
                .failureHandler(posts::failed);
    }
}
