package dev.herald.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/**
 * Signs and verifies Herald's tokens: JWTs (HS256) from the Quarkus SmallRye JWT extension. A socket's token has
 * the user as subject; a publishing back end's token carries the publisher group.
 */
@ApplicationScoped
public class Tokens {

    private static final int MIN_SECRET_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(Tokens.class);

    private final JWTParser parser;
    private final SecurityConfig.Auth config;
    private final SecretKey key;

    Tokens(JWTParser parser, SecurityConfig security) {
        this.parser = parser;
        this.config = security.auth();
        this.key = config.secret().map(Tokens::hmacKey).orElse(null);
        if (config.enabled() && key == null) {
            throw new IllegalStateException("herald.auth.enabled is true but herald.auth.secret is not set: set "
                    + "HERALD_AUTH_SECRET to a random string of at least " + MIN_SECRET_BYTES + " bytes, "
                    + "or turn authentication off with HERALD_AUTH_ENABLED=false");
        }
    }

    private static SecretKey hmacKey(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("herald.auth.secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The verified token, or empty when it is missing, forged, expired or from another issuer. */
    public Optional<JsonWebToken> verify(String token) {
        if (token == null || token.isBlank() || key == null) {
            return Optional.empty();
        }
        try {
            // Signature, expiry and issuer (mp.jwt.verify.issuer) are checked by the parser.
            return Optional.of(parser.verify(token, key));
        } catch (ParseException e) {
            LOG.debugf(e, "token refused: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** The token of an {@code Authorization: Bearer <jwt>} header value, or null. */
    public static String fromBearerHeader(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    public boolean isPublisher(JsonWebToken jwt) {
        return jwt.getGroups() != null && jwt.getGroups().contains(config.publisherRole());
    }

    /** A token for {@code user}, optionally with the publisher group. */
    public String issue(String user, boolean publisher, Duration lifetime) {
        if (key == null) {
            throw new IllegalStateException("no herald.auth.secret to sign with");
        }
        return Jwt.issuer(config.issuer()).subject(user).upn(user)
                .groups(publisher ? Set.of(config.publisherRole()) : Set.of())
                .expiresIn(lifetime).signWithSecret(new String(key.getEncoded(), StandardCharsets.UTF_8));
    }
}
