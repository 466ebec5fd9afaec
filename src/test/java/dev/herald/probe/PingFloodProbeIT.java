package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.herald.support.RawWebSocket;
import dev.herald.support.ServerProcess;

/**
 * Issue 11, item 2: a peer that sends 200 000 pings of 125 bytes a second and never reads the pongs, for 6 s on
 * {@code /ws/{user}} and then on {@code /ws/ticker}. The rate limit is lifted here (it would close the peer after
 * 90 pings: see {@link FrameAbuseProbeIT}), so what is tested is that pongs do not queue up behind a peer that
 * does not read: the server's memory stays put, and eight users beside it keep getting every ack.
 */
class PingFloodProbeIT {

    private static final long FLOOD_NANOS = 6_000_000_000L, BATCH_NANOS = 50_000_000L; // 10 000 pings each

    @Test
    void pongsDoNotPileUpBehindAPeerThatDoesNotRead() throws Exception {
        // 125 bytes, the most a ping may carry: each pong echoes them
        byte[] pings = FrameAbuseProbeIT.repeat(RawWebSocket.frame(0x89, new byte[125]), 10_000);
        try (ServerProcess server = new ServerProcess("ping-flood-probe", List.of("-Dherald.auth.enabled=false",
                "-Dherald.ticker.enabled=true", "-Dherald.limits.messages-per-second=1000000000",
                "-Dherald.limits.burst=1000000000")).start(); Bystanders bystanders = new Bystanders(server.base(), 8)) {
            long rssBefore = server.rssKib();
            long sent = 0;
            for (String path : List.of("/ws/pinger", "/ws/ticker")) {
                try (RawWebSocket s = RawWebSocket.open(server.base(), path, Map.of(), 4096)) {
                    long start = System.nanoTime();
                    try {
                        for (long next = start; next - start < FLOOD_NANOS; next += BATCH_NANOS) {
                            s.write(pings);
                            sent += 10_000;
                            LockSupport.parkNanos(next + BATCH_NANOS - System.nanoTime());
                        }
                    } catch (IOException e) {
                        // closed by the server: also bounded
                    }
                }
            }
            long rssAfter = server.rssKib(), grownMib = (rssAfter - rssBefore) / 1024;
            System.out.printf("%s: server RSS %d -> %d MiB%n", "ping flood", rssBefore / 1024, rssAfter / 1024);
            assertThat(sent).as("pings sent").isGreaterThan(1_000_000);
            // Queued pongs took 161 -> 1 343 MiB here; what remains is the heap growing with the flood's garbage.
            assertThat(grownMib).as("server RSS growth in MiB after " + sent + " pings").isLessThan(300);
            bystanders.assertUnaffected();
        }
    }
}
