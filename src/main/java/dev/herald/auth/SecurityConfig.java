package dev.herald.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may connect and publish; documented in application.properties. {@code herald.auth.enabled} and
 * {@code herald.origins} are fixed names that tooling outside the service relies on.
 */
@ConfigMapping(prefix = "herald")
public interface SecurityConfig {

    /** Allowed page origins for WebSocket upgrades: {@code *}, {@code self}, or a list of origins. */
    @WithDefault("self")
    List<String> origins();

    Auth auth();

    interface Auth {
        /** Whether sockets need a token whose subject is the user, and API writes a publisher token. */
        @WithDefault("true")
        boolean enabled();

        /** HMAC secret (HS256, at least 32 bytes) that signs and verifies tokens. Required when enabled. */
        Optional<String> secret();

        /** Issuer claim tokens must carry. */
        @WithDefault("herald")
        String issuer();

        /** Group a token needs for the HTTP API's write endpoints. */
        @WithDefault("publisher")
        String publisherRole();

        /** Whether GET /api/dev/token hands out tokens (dev mode and tests only; never in production). */
        @WithDefault("false")
        boolean devTokens();

        /** Lifetime of tokens from /api/dev/token. */
        @WithDefault("1h")
        Duration devTokenLifetime();
    }
}
