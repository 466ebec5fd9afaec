package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/** Seed 001 connects to {@code /ws/{user}/}: serve it as {@code /ws/{user}}. */
@ApplicationScoped
public class TrailingSlashRoute {

    void register(@Observes Router router) {
        router.route("/ws/*").order(Integer.MIN_VALUE).handler(rc -> {
            String path = rc.request().path();
            if (path.length() > "/ws/".length() && path.endsWith("/")) {
                String query = rc.request().query();
                rc.reroute(path.substring(0, path.length() - 1) + (query == null ? "" : "?" + query));
            } else {
                rc.next();
            }
        });
    }
}
