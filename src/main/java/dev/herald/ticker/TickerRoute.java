package dev.herald.ticker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Serves the ticker as the seed's {@code /ws/ticker} (and {@code /ws/ticker/}). Its endpoint lies outside
 * {@code /ws/} because the order in which {@code /ws/ticker} and {@code /ws/{user}} would be tried is not defined;
 * this route runs before every other one.
 */
@ApplicationScoped
public class TickerRoute {

    void register(@Observes Router router) {
        router.routeWithRegex("/ws/ticker/?").order(Integer.MIN_VALUE).handler(rc -> {
            String query = rc.request().query() == null ? "" : "?" + rc.request().query();
            rc.reroute(TickerEndpoint.PATH + query);
        });
    }
}
