package dev.herald.support;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in identity provider (Keycloak, Auth0, Entra...): an RSA and an EC key pair made for the test, whose
 * public halves it publishes as a JWKS on a local HTTP server; Herald is pointed at it with
 * {@code mp.jwt.verify.publickey.location}. The key pairs are injected into a {@link Keys} field.
 */
public final class IdentityProvider implements QuarkusTestResourceLifecycleManager {

    public static final String RSA_KEY_ID = "rsa-1";
    public static final String EC_KEY_ID = "ec-1";

    /** Marks the {@code Map<String, KeyPair>} field (by key id) that receives the provider's key pairs. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Keys {
    }

    private Map<String, KeyPair> keys;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        keys = Map.of(RSA_KEY_ID, rsa(), EC_KEY_ID, ec());
        try {
            JsonWebKeySet set = new JsonWebKeySet();
            for (var e : keys.entrySet()) {
                JsonWebKey jwk = JsonWebKey.Factory.newJwk(e.getValue().getPublic());
                jwk.setKeyId(e.getKey());
                set.addJsonWebKey(jwk);
            }
            byte[] body = set.toJson().getBytes(StandardCharsets.UTF_8);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        } catch (IOException | JoseException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("mp.jwt.verify.publickey.location",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(keys, new TestInjector.AnnotatedAndMatchesType(Keys.class, Map.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as a PEM file's text, as an identity provider publishes it. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }
}
