package dev.herald.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may connect and publish; documented in application.properties. {@code herald.auth.enabled} and
 * {@code herald.origins} are fixed names that tooling outside the service relies on.
 */
@ConfigMapping(prefix = "herald")
public interface SecurityConfig {

    /** Shortest accepted {@code herald.auth.secret}: HS256 wants a key as long as its 256-bit hash. */
    int MIN_SECRET_LENGTH = 32;

    /** Allowed page origins for WebSocket upgrades: {@code *}, {@code self}, or a list of origins. */
    @WithDefault("self")
    List<String> origins();

    Auth auth();

    interface Auth {
        /** Whether sockets need a token whose subject is the user, and the HTTP API a token. */
        @WithDefault("true")
        boolean enabled();

        /**
         * HMAC secret (HS256) that signs and verifies Herald's own tokens. With authentication on, this or an
         * identity provider's public key ({@code mp.jwt.verify.publickey.location}) is required.
         */
        Optional<@Size(min = MIN_SECRET_LENGTH, message = "must be at least " + MIN_SECRET_LENGTH
                + " characters (set HERALD_AUTH_SECRET to a long random string)") String> secret();

        /** Issuer claim tokens must carry. */
        @WithDefault("herald")
        @NotBlank
        String issuer();

        /** Group a token needs for the HTTP API's write endpoints and for reading everything. */
        @WithDefault("publisher")
        @NotBlank
        String publisherRole();

        /** Whether GET /api/dev/token hands out tokens (dev mode and tests only; never in production). */
        @WithDefault("false")
        boolean devTokens();

        /** Lifetime of tokens from /api/dev/token. */
        @WithDefault("1h")
        @DurationMin(seconds = 1)
        Duration devTokenLifetime();
    }
}
