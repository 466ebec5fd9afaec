package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The seed articles' {@code /ws/{user}/} (with a trailing slash) is {@code /ws/{user}}. (The ticker, served as
 * {@code /ws/ticker}, is rerouted before this by its own route.)
 */
@ApplicationScoped
public class PathAliases {

    void register(@Observes Router router) {
        router.route("/ws/*").order(Integer.MIN_VALUE + 1).handler(rc -> {
            String path = rc.request().path();
            String query = rc.request().query() == null ? "" : "?" + rc.request().query();
            if (path.length() > "/ws/".length() && path.endsWith("/")) {
                rc.reroute(path.substring(0, path.length() - 1) + query);
            } else {
                rc.next();
            }
        });
    }
}
