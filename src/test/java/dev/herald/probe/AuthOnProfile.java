package dev.herald.probe;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * Production security in a JVM test: tokens on, the Origin allow-list on ({@code self} and one listed origin), and
 * a small demo quota. Shared by the probes (and AuthTest) so that they run against one server.
 */
public class AuthOnProfile implements QuarkusTestProfile {

    /** The test profile's herald.auth.secret. */
    public static final String SECRET = "test-only-secret-0123456789abcdef-0123456789";
    public static final String LISTED_ORIGIN = "https://chat.example.com";
    public static final int DEMO_STARTS_PER_MINUTE = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("herald.auth.enabled", "true", "herald.origins", LISTED_ORIGIN + ",self",
                "herald.tasks.demo-starts-per-minute", String.valueOf(DEMO_STARTS_PER_MINUTE));
    }

    /** A valid token for {@code user} for ten minutes. */
    public static String token(String user) {
        return token(user, Set.of(), Instant.now().plusSeconds(600));
    }

    /** A valid publisher (back end) token. */
    public static String publisher() {
        return token("backend", Set.of("publisher"), Instant.now().plusSeconds(600));
    }

    public static String token(String user, Set<String> groups, Instant expires) {
        // Issued ten minutes before it expires, as a real one would be (an expired token issued "now" fails on iat).
        return Jwt.issuer("herald").subject(user).groups(groups).issuedAt(expires.minusSeconds(600)).expiresAt(expires)
                .signWithSecret(SECRET);
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
