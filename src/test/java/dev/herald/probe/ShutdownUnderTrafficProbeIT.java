package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 18: SIGTERM with 500 clients while they talk. Every socket gets 1001, and every message the
 * server acknowledged before it went away reached its recipient before the recipient's socket closed: queued frames
 * are written before the close, nothing acknowledged is lost on the way out. (Presence is off: 500 arrivals would
 * otherwise cost 125 000 presence frames, which is not what this probe is about.)
 */
class ShutdownUnderTrafficProbeIT {

    private static final int PAIRS = 250;

    @Test
    void sigtermWith500ClientsClosesEachWith1001AndLosesNoAcknowledgedMessage() {
        try (ServerProcess server = new ServerProcess("shutdown-traffic-probe",
                List.of("-Dherald.auth.enabled=false", "-Dherald.delivery.presence-limit=0")).start()) {
            List<TestSocket> senders = new ArrayList<>(), receivers = new ArrayList<>();
            try {
                for (int i = 0; i < PAIRS; i++) {
                    senders.add(TestSocket.user(server.base(), "s" + i));
                    receivers.add(TestSocket.user(server.base(), "r" + i));
                }
                // Traffic in flight when the signal comes: each sender keeps writing to its receiver.
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < PAIRS; i++) {
                        senders.get(i).send(new JsonObject().put("type", "send").put("to", "r" + i)
                                .put("text", "m" + round).put("ref", round));
                    }
                }
                Awaitility.await().until(() -> senders.get(PAIRS - 1).ofType("ack").size() >= 1);
                server.stop();
                for (TestSocket s : senders) {
                    assertThat(s.awaitClosed()).isEqualTo(1001);
                }
                for (TestSocket r : receivers) {
                    assertThat(r.awaitClosed()).isEqualTo(1001);
                }
                int acknowledged = 0;
                for (int i = 0; i < PAIRS; i++) {
                    Set<String> acked = senders.get(i).ofType("ack").stream().map(a -> "m" + a.getInteger("ref"))
                            .collect(Collectors.toSet());
                    Set<String> received = receivers.get(i).messages().stream().map(m -> m.getString("text"))
                            .collect(Collectors.toSet());
                    assertThat(received).as("what r%d received", i).containsAll(acked);
                    acknowledged += acked.size();
                }
                assertThat(acknowledged).isPositive();
            } finally {
                senders.forEach(TestSocket::close);
                receivers.forEach(TestSocket::close);
            }
        }
    }
}
