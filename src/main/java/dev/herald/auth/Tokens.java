package dev.herald.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.http.HttpServerRequest;

/**
 * Signs and verifies tokens (JWTs, through the Quarkus SmallRye JWT extension): HS256 tokens signed with Herald's
 * shared secret, and RS256/ES256 tokens of an identity provider, verified with the public key or JWKS that
 * {@code mp.jwt.verify.publickey.location} names. A socket's token has the user as subject; a publishing back
 * end's token carries the publisher group. Created at start-up, so a production start without any key fails at
 * once instead of answering every request with 500.
 */
@Startup
@ApplicationScoped
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);

    private final JWTParser parser;
    private final SecurityConfig.Auth config;
    /** Herald's HS256 key, or null without {@code herald.auth.secret}. */
    private final SecretKey key;
    /**
     * How to verify an identity provider's tokens, one per accepted algorithm (RS256, ES256), empty without its key:
     * given several algorithms at once, SmallRye reads a PEM key as the first one's type (an RSA key as EC, and fails).
     */
    private final Map<String, JWTAuthContextInfo> publicKeys;
    private final long clockSkewSeconds;

    Tokens(JWTParser parser, JWTAuthContextInfo verification, SecurityConfig security) {
        this.parser = parser;
        this.config = security.auth();
        this.key = config.secret().map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .orElse(null);
        boolean provider = verification.getPublicKeyLocation() != null || verification.getPublicKeyContent() != null;
        this.publicKeys = provider ? perAlgorithm(verification) : Map.of();
        // What the parser allows past exp (mp.jwt.verify.clock.skew, or the older smallrye.jwt.expiration.grace).
        this.clockSkewSeconds = verification.getExpGracePeriodSecs() > 0 ? verification.getExpGracePeriodSecs()
                : Math.max(0, verification.getClockSkew());
        if (config.enabled() && key == null && publicKeys.isEmpty()) {
            throw new IllegalStateException("herald.auth.enabled is true but nothing can verify tokens: set "
                    + "HERALD_AUTH_SECRET (herald.auth.secret, at least " + SecurityConfig.MIN_SECRET_LENGTH
                    + " characters) for Herald's HS256 tokens and/or mp.jwt.verify.publickey.location (a PEM file or "
                    + "the JWKS URL of your identity provider) for RS256/ES256 tokens, or turn authentication off "
                    + "with HERALD_AUTH_ENABLED=false");
        }
    }

    private static Map<String, JWTAuthContextInfo> perAlgorithm(JWTAuthContextInfo verification) {
        Map<String, JWTAuthContextInfo> byAlgorithm = new HashMap<>();
        for (SignatureAlgorithm algorithm : verification.getSignatureAlgorithm()) {
            JWTAuthContextInfo only = new JWTAuthContextInfo(verification);
            only.setSignatureAlgorithm(Set.of(algorithm));
            byAlgorithm.put(algorithm.getAlgorithm(), only);
        }
        return Map.copyOf(byAlgorithm);
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** Seconds a token is still accepted after its {@code exp}, for clocks that disagree a little. */
    public long clockSkewSeconds() {
        return clockSkewSeconds;
    }

    /**
     * The verified token, or empty when it is missing, malformed, forged, signed with an algorithm Herald does not
     * accept, expired or from another issuer. Never throws: a bad token is a 401, not a 500.
     */
    public Optional<JsonWebToken> verify(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try {
            // The algorithm picks the key: HS256 is Herald's secret, anything else the identity provider's keys,
            // each limited to its own algorithms (mp.jwt.verify.publickey.algorithm), so "none" or HS384 never pass.
            String algorithm = JsonWebStructure.fromCompactSerialization(token).getAlgorithmHeaderValue();
            if (algorithm != null && algorithm.startsWith("HS")) {
                return key == null ? Optional.empty() : Optional.of(parser.verify(token, key));
            }
            JWTAuthContextInfo provider = algorithm == null ? null : publicKeys.get(algorithm);
            return provider == null ? Optional.empty() : Optional.of(parser.parse(token, provider));
        } catch (ParseException | JoseException | RuntimeException e) {
            LOG.debugf("token refused: %s %s", e.getClass().getSimpleName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The verified token when it is valid and its subject is {@code user}; empty otherwise. */
    public Optional<JsonWebToken> verifyFor(String token, String user) {
        return verify(token).filter(t -> user != null && user.equals(t.getSubject()));
    }

    /** A lease for a socket opened with this verified token. */
    public TokenLease lease(JsonWebToken jwt) {
        return new TokenLease(jwt.getSubject(), jwt.getExpirationTime(), jwt.getGroups());
    }

    /**
     * Moves the lease to a fresh token's expiry when that token is valid and for the lease's user; otherwise the
     * lease keeps its expiry and this answers false.
     */
    public boolean renew(TokenLease lease, String token) {
        Optional<JsonWebToken> jwt = verify(token).filter(t -> lease.user().equals(t.getSubject()));
        jwt.ifPresent(t -> lease.renew(t.getExpirationTime()));
        return jwt.isPresent();
    }

    /**
     * The token a client sent to open a connection: {@code ?token=} (all a browser's WebSocket or EventSource can
     * send) or an {@code Authorization: Bearer} header; null without either.
     */
    public static String fromRequest(HttpServerRequest request) {
        String query = request.getParam("token");
        return query != null ? query : fromBearerHeader(request.getHeader("Authorization"));
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
        return issue(user, publisher ? Set.of(config.publisherRole()) : Set.of(), lifetime);
    }

    /** Whether Herald can sign tokens itself (it has {@code herald.auth.secret}). */
    public boolean canIssue() {
        return key != null;
    }

    /** A token for {@code user} with these groups (roles). */
    public String issue(String user, Set<String> groups, Duration lifetime) {
        if (key == null) {
            throw new IllegalStateException("no herald.auth.secret to sign with");
        }
        return Jwt.issuer(config.issuer()).subject(user).upn(user)
                .groups(groups)
                .expiresIn(lifetime).signWithSecret(new String(key.getEncoded(), StandardCharsets.UTF_8));
    }
}
