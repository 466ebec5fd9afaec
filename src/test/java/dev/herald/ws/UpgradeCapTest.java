package dev.herald.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * Upgrades in progress per client address are capped (herald.limits.upgrades-per-address, 2 here): while two
 * upgrades from this address wait in a slow check, a third is refused with 429; once they finish, upgrades pass.
 */
@QuarkusTest
@TestProfile(UpgradeCapTest.TwoAtATime.class)
class UpgradeCapTest {

    public static class TwoAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.upgrades-per-address", "2");
        }
    }

    /** Holds the upgrades of users named {@code stall-*} until the test releases them (a slow identity provider). */
    @ApplicationScoped
    public static class StallingCheck implements HttpUpgradeCheck {
        private final AtomicInteger waiting = new AtomicInteger();
        private final CompletableFuture<Void> release = new CompletableFuture<>();

        // methods, not fields: the test holds a client proxy
        int waiting() {
            return waiting.get();
        }

        void release() {
            release.complete(null);
        }

        @Override
        public Uni<CheckResult> perform(HttpUpgradeContext context) {
            String user = context.pathParam("user");
            if (user == null || !user.startsWith("stall-")) {
                return CheckResult.permitUpgrade();
            }
            waiting.incrementAndGet();
            return Uni.createFrom().completionStage(release).replaceWith(CheckResult.permitUpgradeSync());
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    StallingCheck stalling;

    @Test
    void upgradesInProgressPerAddressAreCapped() throws Exception {
        CompletableFuture<TestSocket> first = CompletableFuture.supplyAsync(() -> TestSocket.user(base, "stall-1"));
        CompletableFuture<TestSocket> second = CompletableFuture.supplyAsync(() -> TestSocket.user(base, "stall-2"));
        Awaitility.await().until(() -> stalling.waiting() == 2);

        assertThat(TestSocket.rejectedStatus(base, "/ws/" + TestSocket.uniqueUser("third"))).isEqualTo(429);

        stalling.release();
        try (TestSocket a = first.get(); TestSocket b = second.get();
                TestSocket c = TestSocket.user(base, TestSocket.uniqueUser("after"))) {
            assertThat(a.isClosed() || b.isClosed() || c.isClosed()).isFalse();
        }
    }
}
