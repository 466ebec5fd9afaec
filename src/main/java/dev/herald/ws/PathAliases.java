package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.herald.ticker.TickerEndpoint;
import io.vertx.ext.web.Router;

/**
 * Paths the seed articles use that are served under another name: {@code /ws/{user}/} is {@code /ws/{user}},
 * and {@code /ws/ticker} is the ticker. The ticker's own route lies outside {@code /ws/} because the order in
 * which {@code /ws/ticker} and {@code /ws/{user}} would be tried is not defined.
 */
@ApplicationScoped
public class PathAliases {

    void register(@Observes Router router) {
        router.route("/ws/*").order(Integer.MIN_VALUE).handler(rc -> {
            String path = rc.request().path();
            String query = rc.request().query() == null ? "" : "?" + rc.request().query();
            if (path.equals("/ws/ticker") || path.equals("/ws/ticker/")) {
                rc.reroute(TickerEndpoint.PATH + query);
            } else if (path.length() > "/ws/".length() && path.endsWith("/")) {
                rc.reroute(path.substring(0, path.length() - 1) + query);
            } else {
                rc.next();
            }
        });
    }
}
