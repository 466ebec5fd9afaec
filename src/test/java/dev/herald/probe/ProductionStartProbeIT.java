package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.herald.support.IdentityProvider;
import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;
import io.smallrye.jwt.build.Jwt;

/**
 * Probes of a production start (the packaged build, production profile, its own process): a configuration that
 * cannot work must stop the server at once, saying which setting is wrong, instead of starting "UP" and failing
 * every request later; an identity provider's key alone is enough; operations endpoints are off the public port.
 */
class ProductionStartProbeIT {

    private static final String SECRET = "production-probe-secret-0123456789abcdef";

    @Test
    void refusesToStartWithoutASecretNamingTheSetting() {
        try (ServerProcess server = new ServerProcess("probe-no-secret", List.of())) {
            assertThat(server.startExpectingExit()).isNotZero();
            assertThat(server.output()).contains("HERALD_AUTH_SECRET").contains("herald.auth.secret");
        }
    }

    @Test
    void refusesToStartWithAnEmptySecret() {
        try (ServerProcess server = new ServerProcess("probe-empty-secret", List.of("-Dherald.auth.secret="))) {
            assertThat(server.startExpectingExit()).isNotZero();
            assertThat(server.output()).contains("HERALD_AUTH_SECRET");
        }
    }

    @Test
    void startsWithOnlyAnIdentityProvidersKeyAndTakesItsTokensOnly() throws Exception {
        KeyPair provider = IdentityProvider.rsa();
        Path pem = Files.writeString(Path.of("target", "probe-idp-public.pem"), IdentityProvider.pem(provider.getPublic()));
        try (ServerProcess server = new ServerProcess("probe-idp-only",
                List.of("-Dmp.jwt.verify.publickey.location=" + pem.toAbsolutePath())).start()) {
            String signed = Jwt.issuer("herald").subject("alice").expiresIn(Duration.ofMinutes(5))
                    .sign(provider.getPrivate());
            String forged = Jwt.issuer("herald").subject("alice").expiresIn(Duration.ofMinutes(5))
                    .sign(IdentityProvider.rsa().getPrivate());
            String hs256 = Jwt.issuer("herald").subject("alice").expiresIn(Duration.ofMinutes(5))
                    .signWithSecret("no-secret-is-configured-0123456789abcdef");
            try (var s = TestSocket.open(server.base(), "/ws/alice?token=" + signed)) {
                assertThat(s.awaitType("welcome").getString("user")).isEqualTo("alice");
            }
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/alice?token=" + forged)).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/alice?token=" + hs256)).isEqualTo(401);
            assertThat(server.output()).doesNotContain(signed).doesNotContain(forged).doesNotContain(hs256);
        }
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortOnlyAndReadsNeedAToken() throws Exception {
        try (ServerProcess server = new ServerProcess("probe-management", List.of("-Dherald.auth.secret=" + SECRET))
                .start()) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("q/health", "q/health/ready", "q/metrics", "q/openapi")) {
                assertThat(status(http, server.base().resolve(path), null)).as(path).isEqualTo(404);
                assertThat(status(http, server.managementBase().resolve(path), null)).as(path).isEqualTo(200);
            }
            String token = Jwt.issuer("herald").subject("bob").expiresIn(Duration.ofMinutes(5)).signWithSecret(SECRET);
            assertThat(status(http, server.base().resolve("api/users"), null)).isEqualTo(401);
            assertThat(status(http, server.base().resolve("api/messages"), null)).isEqualTo(401);
            assertThat(status(http, server.base().resolve("api/users"), token)).isEqualTo(200);
            assertThat(status(http, server.base(), null)).isEqualTo(200); // the page stays open
        }
    }

    private static int status(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void refusesAShortSecretAndBadLimitsNamingEveryKeyButNoSecret() {
        try (ServerProcess server = new ServerProcess("probe-bad-config", List.of("-Dherald.auth.secret=short",
                "-Dherald.limits.connections-per-user=-1", "-Dherald.limits.messages-per-second=0",
                "-Dherald.delivery.mailbox-size=-5", "-Dherald.limits.idle-timeout=0s",
                "-Dherald.schedule.max-pending=0", "-Dherald.tasks.demo-step=-1s"))) {
            assertThat(server.startExpectingExit()).isNotZero();
            assertThat(server.output()).contains("herald.auth.secret", "herald.limits.connections-per-user",
                    "herald.limits.messages-per-second", "herald.delivery.mailbox-size", "herald.limits.idle-timeout",
                    "herald.schedule.max-pending", "herald.tasks.demo-step")
                    .doesNotContain("=short").doesNotContain(" short");
        }
    }
}
