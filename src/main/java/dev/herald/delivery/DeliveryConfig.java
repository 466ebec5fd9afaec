package dev.herald.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Delivery and presence settings; documented in application.properties. */
@ConfigMapping(prefix = "herald.delivery")
public interface DeliveryConfig {

    /** Messages kept per user for offline delivery and resume; the oldest is dropped first. */
    @WithDefault("1000")
    int mailboxSize();

    /** Longest message text accepted, in characters. */
    @WithDefault("4096")
    int maxTextLength();
}
