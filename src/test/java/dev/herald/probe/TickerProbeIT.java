package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.RawWebSocket;
import dev.herald.support.ServerProcess;
import dev.herald.support.SilentClient;
import dev.herald.support.TestSocket;
import io.smallrye.jwt.build.Jwt;

/**
 * Issue 11, item 9: {@code /ws/ticker} is off in production; switched on, it asks for a token when authentication
 * is on, caps connections per client address, drops silent peers like {@code /ws/{user}}, and closes an oversized
 * message with 1009 and no stack trace in the log.
 */
class TickerProbeIT {

    private static final String SECRET = "ticker-probe-secret-0123456789abcdef-0123456789";

    private static String token(String user) {
        return Jwt.issuer("herald").subject(user).expiresAt(Instant.now().plusSeconds(600)).signWithSecret(SECRET);
    }

    @Test
    void offInProduction() {
        try (ServerProcess server = new ServerProcess("ticker-off-probe", List.of("-Dherald.auth.secret=" + SECRET)).start()) {
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/ticker?token=" + token("viewer"))).isEqualTo(404);
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/ticker")).isEqualTo(404);
        }
    }

    @Test
    void whenOnItNeedsATokenIsCappedPerAddressDropsSilentPeersAndRefusesOversizedMessagesWith1009() throws Exception {
        try (ServerProcess server = new ServerProcess("ticker-on-probe", List.of("-Dherald.auth.secret=" + SECRET,
                "-Dherald.ticker.enabled=true", "-Dherald.ticker.connections-per-address=3",
                "-Dherald.ticker.interval=100ms", "-Dherald.ticker.first-delay=100ms",
                "-Dherald.limits.ping-interval=300ms", "-Dherald.limits.idle-timeout=1500ms",
                "-Dherald.limits.idle-check=300ms")).start()) {
            // Identity: any valid token, for any user; nothing else.
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/ticker")).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(server.base(), "/ws/ticker?token=forged")).isEqualTo(401);
            String path = "/ws/ticker?token=" + token("viewer");

            // Three per client address; the fourth is refused until one closes.
            List<TestSocket> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestSocket t = TestSocket.open(server.base(), path);
                t.await(f -> f.containsKey("server_msg"));
                open.add(t);
            }
            assertThat(TestSocket.rejectedStatus(server.base(), path)).isEqualTo(429);
            open.remove(0).close();
            Awaitility.await().until(() -> server.logLines().stream().anyMatch(l -> l.contains("ticker closed")));
            TestSocket again = TestSocket.open(server.base(), path);
            again.await(f -> f.containsKey("server_msg"));
            open.add(again);
            open.forEach(TestSocket::close);
            Awaitility.await().until(() -> server.logLines().stream().filter(l -> l.contains("ticker closed")).count() == 4);

            // A peer that answers no pings is dropped (1001) after the idle timeout, as on /ws/{user}.
            long started = System.nanoTime();
            try (SilentClient silent = SilentClient.open(server.base(), path)) {
                assertThat(silent.readUntilClose()).isEqualTo(1001);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));

            // A message over max-message-size (64 KiB), in one frame or in fragments: 1009, and no stack trace.
            try (RawWebSocket s = RawWebSocket.open(server.base(), path)) {
                s.write(RawWebSocket.frame(0x81, "x".repeat(70_000).getBytes()));
                assertThat(s.readUntilClose()).isEqualTo(1009);
            }
            try (RawWebSocket s = RawWebSocket.open(server.base(), path)) {
                s.write(RawWebSocket.frame(0x01, "x".repeat(40_000).getBytes())); // text, not final
                s.write(RawWebSocket.frame(0x80, "x".repeat(40_000).getBytes())); // continuation, final
                assertThat(s.readUntilClose()).isEqualTo(1009);
            }
            assertThat(server.logLines()).filteredOn(l -> l.startsWith("\tat ")).as("stack frames").isEmpty();
            assertThat(server.logLines()).filteredOn(l -> l.contains(" ERROR ")).as("ERROR lines").isEmpty();
        }
    }
}
