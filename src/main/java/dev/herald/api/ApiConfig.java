package dev.herald.api;

import jakarta.validation.constraints.Positive;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The HTTP API's lists; documented in application.properties. */
@ConfigMapping(prefix = "herald.api")
public interface ApiConfig {

    /** Items in one page of a list when the request gives no {@code limit}. */
    @WithDefault("100")
    @Positive
    int pageSize();

    /** Largest {@code limit} a request may ask for. */
    @WithDefault("1000")
    @Positive
    int maxPageSize();
}
