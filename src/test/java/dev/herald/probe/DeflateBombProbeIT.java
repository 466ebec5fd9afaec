package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

import dev.herald.support.RawWebSocket;
import dev.herald.support.ServerProcess;

/**
 * Issue 11, item 1: a permessage-deflate bomb — a text frame under the 128 KiB frame limit that inflates to
 * 120 MiB — sent by a client that offered compression, on {@code /ws/{user}} and on {@code /ws/ticker}. Herald
 * negotiates no compression, so the frame's RSV1 bit is a protocol error (1002) and nothing is inflated: the
 * server's memory stays put and eight users beside it keep getting every ack.
 */
class DeflateBombProbeIT {

    private static final long MIB = 1024 * 1024;

    @Test
    void aCompressionBombIsRefusedUnreadAndHarmsNobody() throws Exception {
        byte[] bomb = bomb(120);
        assertThat(bomb.length).as("compressed size").isLessThan(128 * 1024);
        try (ServerProcess server = new ServerProcess("deflate-bomb-probe", List.of("-Dherald.auth.enabled=false",
                "-Dherald.ticker.enabled=true")).start(); Bystanders bystanders = new Bystanders(server.base(), 8)) {
            long rssBefore = server.rssKib();
            for (String path : List.of("/ws/bomber", "/ws/ticker")) {
                try (RawWebSocket s = RawWebSocket.open(server.base(), path,
                        Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
                    assertThat(s.responseHeader("Sec-WebSocket-Extensions")).as("compression negotiated on " + path).isNull();
                    s.write(RawWebSocket.frame(0xC1, bomb)); // FIN, RSV1 (compressed), text
                    assertThat(s.readUntilClose()).as(path).isEqualTo(1002);
                }
            }
            long rssAfter = server.rssKib(), grownMib = (rssAfter - rssBefore) / 1024;
            System.out.printf("%s: server RSS %d -> %d MiB%n", "deflate bomb", rssBefore / 1024, rssAfter / 1024);
            assertThat(grownMib).as("server RSS growth in MiB").isLessThan(100);
            bystanders.assertUnaffected();
        }
    }

    /** A raw DEFLATE stream of {@code mib} MiB of zeros, as permessage-deflate sends it (no 00 00 FF FF tail). */
    static byte[] bomb(int mib) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[(int) MIB], buffer = new byte[64 * 1024];
        for (int i = 0; i < mib; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}
