package dev.herald.auth;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.herald.probe.AuthOnProfile;
import dev.herald.support.IdentityProvider;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Tokens from an identity provider: RS256 and ES256, verified with the keys of its JWKS URL
 * ({@code mp.jwt.verify.publickey.location}), next to Herald's own HS256 tokens; a token signed with any other key
 * is refused.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
@WithTestResource(IdentityProvider.class)
class IdentityProviderTokensTest {

    @TestHTTPResource("/")
    URI base;

    @IdentityProvider.Keys
    Map<String, KeyPair> keys;

    private String rs256(String user, KeyPair pair, Set<String> groups) {
        return Jwt.issuer("herald").subject(user).groups(groups).expiresIn(Duration.ofMinutes(5)).jws()
                .keyId(IdentityProvider.RSA_KEY_ID).sign(pair.getPrivate());
    }

    private String es256(String user) {
        return Jwt.issuer("herald").subject(user).expiresIn(Duration.ofMinutes(5)).jws()
                .algorithm(SignatureAlgorithm.ES256).keyId(IdentityProvider.EC_KEY_ID)
                .sign(keys.get(IdentityProvider.EC_KEY_ID).getPrivate());
    }

    @Test
    void rs256AndEs256TokensOfTheProviderOpenASocket() {
        String ann = uniqueUser("ann");
        try (var s = TestSocket.open(base, "/ws/" + ann + "?token="
                + rs256(ann, keys.get(IdentityProvider.RSA_KEY_ID), Set.of()))) {
            assertThat(s.awaitType("welcome").getString("user")).isEqualTo(ann);
        }
        try (var s = TestSocket.open(base, "/ws/" + ann + "?token=" + es256(ann))) {
            assertThat(s.awaitType("welcome").getString("user")).isEqualTo(ann);
        }
        // Herald's own HS256 tokens still work beside them.
        try (var s = TestSocket.open(base, "/ws/" + ann + "?token=" + AuthOnProfile.token(ann))) {
            s.awaitType("welcome");
        }
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        String bob = uniqueUser("bob");
        String forged = rs256(bob, IdentityProvider.rsa(), Set.of("publisher"));
        assertThat(TestSocket.rejectedStatus(base, "/ws/" + bob + "?token=" + forged)).isEqualTo(401);
        given().header("Authorization", "Bearer " + forged).get("/api/users").then().statusCode(401);
        // The provider's RS256 key is no HS256 secret: the same token re-signed as HS256 with its bytes fails too.
        String confused = Jwt.issuer("herald").subject(bob).expiresIn(Duration.ofMinutes(5))
                .signWithSecret(IdentityProvider.pem(keys.get(IdentityProvider.RSA_KEY_ID).getPublic()));
        assertThat(TestSocket.rejectedStatus(base, "/ws/" + bob + "?token=" + confused)).isEqualTo(401);
    }

    @Test
    void aPublisherTokenOfTheProviderMayWrite() {
        String token = rs256("backend", keys.get(IdentityProvider.RSA_KEY_ID), Set.of("publisher"));
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body("{\"to\":\"amy\",\"text\":\"from the back end\"}").post("/api/messages").then().statusCode(201);
    }
}
