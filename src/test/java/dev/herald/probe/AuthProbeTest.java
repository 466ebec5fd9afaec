package dev.herald.probe;

import static dev.herald.probe.AuthOnProfile.bearer;
import static dev.herald.probe.AuthOnProfile.token;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * Probes of identity and Origin with production security on: every forged, foreign or stale token is refused at
 * the upgrade and by the API (401), and only pages from this very origin or a listed one may open a socket (403).
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class AuthProbeTest {

    @TestHTTPResource("/")
    URI base;

    /** Tokens for {@code user} that must all be refused, by what is wrong with them. */
    private static Map<String, String> badTokensFor(String user) {
        Instant later = Instant.now().plusSeconds(600);
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("signed with another secret", Jwt.issuer("herald").subject(user).expiresAt(later)
                .signWithSecret("another-secret-0123456789abcdef-0123456789"));
        bad.put("alg none", unsigned(user, later));
        bad.put("HS384 with the right secret", hs384(user, later));
        bad.put("wrong issuer", Jwt.issuer("evil").subject(user).expiresAt(later).signWithSecret(AuthOnProfile.SECRET));
        bad.put("another user's subject", token("mallory"));
        // Past exp by more than the 5 s clock skew (SmallRye's default accepted 60 s).
        bad.put("expired 15 s ago", token(user, Set.of(), Instant.now().minusSeconds(15)));
        bad.put("not a JWT", "garbage");
        bad.put("empty", "");
        return bad;
    }

    /** HS384 with Herald's own secret (too short for HS384, which jose4j only signs with its key check off). */
    private static String hs384(String user, Instant expires) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("herald");
            claims.setSubject(user);
            claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA384);
            jws.setKey(new HmacKey(AuthOnProfile.SECRET.getBytes(StandardCharsets.UTF_8)));
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(String user, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"herald\",\"sub\":\"" + user + "\",\"groups\":[\"publisher\"],"
                + "\"exp\":" + expires.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + ".";
    }

    @Test
    void everyBadTokenIsRefusedAtTheUpgradeAndNobodyAppearsOnline() {
        String ann = uniqueUser("ann");
        badTokensFor(ann).forEach((what, bad) -> {
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann + "?token=" + bad)).as(what).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann, Map.of("Authorization", bearer(bad)))).as(what)
                    .isEqualTo(401);
        });
        assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann)).isEqualTo(401);
        given().header("Authorization", bearer(token(ann))).get("/api/users?limit=1000").then().statusCode(200)
                .body("user", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(ann)));
    }

    @Test
    void everyBadTokenIsRefusedByTheApi() {
        Map<String, String> bad = badTokensFor("backend");
        bad.remove("another user's subject"); // a valid token of its own user: the API reads it as that user's
        bad.forEach((what, token) -> {
            given().header("Authorization", bearer(token)).get("/api/users").then().statusCode(401)
                    .contentType("application/problem+json");
            given().header("Authorization", bearer(token)).contentType("application/json")
                    .body("{\"to\":\"amy\",\"text\":\"forged\"}").post("/api/messages").then().statusCode(401);
        });
    }

    @Test
    void onlyThisOriginAndListedOnesMayOpenASocket() {
        String dee = uniqueUser("dee");
        String path = "/ws/" + dee + "?token=" + token(dee);
        String self = "http://" + base.getHost() + ":" + base.getPort();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("foreign site", "https://evil.example.net");
        refused.put("null (sandboxed frame, file:)", "null");
        refused.put("this host, another port", "http://" + base.getHost() + ":" + (base.getPort() + 1));
        refused.put("this host and port over https", "https://" + base.getHost() + ":" + base.getPort());
        refused.put("user info before this host", "http://attacker@" + base.getHost() + ":" + base.getPort());
        refused.put("listed origin over http", "http://chat.example.com");
        refused.put("listed origin as a suffix", "https://chat.example.com.evil.net");
        refused.forEach((what, origin) -> assertThat(TestSocket.rejectedStatus(base, path, Map.of("Origin", origin)))
                .as(what + ": " + origin).isEqualTo(403));

        for (String allowed : new String[] { self, AuthOnProfile.LISTED_ORIGIN }) {
            try (var s = TestSocket.open(base, path, Map.of("Origin", allowed))) {
                assertThat(s.awaitType("welcome").getString("user")).isEqualTo(dee);
            }
        }
    }
}
