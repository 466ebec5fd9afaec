package dev.herald.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;

/** SIGTERM closes every socket with 1001 (going away), so clients know to reconnect. */
class ShutdownIT {

    @Test
    void sigtermClosesSocketsWith1001() {
        try (ServerProcess server = new ServerProcess("shutdown-it", List.of("-Dherald.auth.enabled=false")).start()) {
            TestSocket a = TestSocket.user(server.base(), "ann");
            TestSocket b = TestSocket.user(server.base(), "bob");
            server.stop();
            assertThat(a.awaitClosed()).isEqualTo(1001);
            assertThat(b.awaitClosed()).isEqualTo(1001);
        }
    }
}
