package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.herald.support.RawWebSocket;
import dev.herald.support.RawWebSocket.Frame;
import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, items 13 and 14: malformed frames get the close code RFC 6455 gives them (not a bare TCP close), and
 * binary frames and pings count against the same rate limit as text frames. Herald runs as its own process in
 * the production profile (authentication off, ticker on), with one frame per second after a burst of 40, so the
 * counts below are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameAbuseProbeIT {

    private static final int BURST = 40, ABUSE = 50;
    private ServerProcess server;

    @BeforeAll
    void start() {
        server = new ServerProcess("frame-abuse-probe", List.of("-Dherald.auth.enabled=false", "-Dherald.ticker.enabled=true",
                "-Dherald.limits.messages-per-second=1",
                "-Dherald.limits.burst=" + BURST, "-Dherald.limits.abuse-threshold=" + ABUSE)).start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A raw socket on /ws/{user} past its welcome. */
    private RawWebSocket user(String name) throws IOException {
        RawWebSocket s = RawWebSocket.open(server.base(), "/ws/" + name);
        assertThat(new JsonObject(s.read().text()).getString("type")).isEqualTo("welcome");
        return s;
    }

    @Test
    void everyProtocolViolationIsAnsweredWithItsCloseCode() throws Exception {
        Map<String, byte[]> attacks = new LinkedHashMap<>();
        byte[] oversized = RawWebSocket.header(0x81, 1_000_000); // the production frame limit is 128 KiB
        attacks.put("frame over the frame limit", concat(oversized, new byte[4096]));
        attacks.put("reserved opcode 3", RawWebSocket.frame(0x83, "x".getBytes(StandardCharsets.UTF_8)));
        attacks.put("ping of 126 bytes", RawWebSocket.frame(0x89, new byte[126]));
        attacks.put("close code 999", RawWebSocket.frame(0x88, new byte[] { 0x03, (byte) 0xE7 }));
        attacks.put("RSV1 without negotiated compression", RawWebSocket.frame(0xC1, "{}".getBytes(StandardCharsets.UTF_8)));
        attacks.put("invalid UTF-8 in a text frame", RawWebSocket.frame(0x81, new byte[] { '"', (byte) 0xC3, 0x28, '"' }));
        attacks.put("unmasked frame", new byte[] { (byte) 0x81, 2, '{', '}' });
        Map<String, Integer> expected = Map.of("frame over the frame limit", 1009, "reserved opcode 3", 1002,
                "ping of 126 bytes", 1002, "close code 999", 1002, "RSV1 without negotiated compression", 1002,
                "invalid UTF-8 in a text frame", 1007, "unmasked frame", 1002);

        try (TestSocket bystander = TestSocket.user(server.base(), "bystander")) {
            Map<String, Integer> got = new LinkedHashMap<>();
            for (var attack : attacks.entrySet()) {
                for (String path : List.of("/ws/mallory", "/ws/ticker")) {
                    try (RawWebSocket s = path.equals("/ws/ticker") ? RawWebSocket.open(server.base(), path) : user("mallory")) {
                        s.write(attack.getValue());
                        got.put(attack.getKey() + " on " + path, closeCodeOrTimeout(s));
                    }
                }
            }
            Map<String, Integer> want = new LinkedHashMap<>();
            attacks.keySet().forEach(k -> List.of("/ws/mallory", "/ws/ticker").forEach(p -> want.put(k + " on " + p, expected.get(k))));
            assertThat(got).containsExactlyEntriesOf(want);

            // The bystander on the same server saw none of it.
            bystander.send(new JsonObject().put("type", "send").put("to", "bystander").put("text", "still here").put("ref", 1));
            bystander.awaitText("still here");
            assertThat(bystander.isClosed()).isFalse();
        }
        assertThat(server.logLines()).filteredOn(l -> l.startsWith("\tat ")).as("stack frames in the log").isEmpty();
    }

    @Test
    void tenThousandBinaryFramesGetTheRateLimitThenA1008() throws Exception {
        try (RawWebSocket s = user("binflood")) {
            byte[] one = RawWebSocket.frame(0x82, new byte[] { 1, 2, 3 });
            s.write(repeat(one, 10_000));
            List<String> errors = new ArrayList<>();
            int close = readErrorsUntilClose(s, errors);
            assertThat(close).isEqualTo(1008);
            assertThat(errors).hasSize(BURST + ABUSE - 1);
            assertThat(errors.subList(0, BURST)).containsOnly("binary_not_supported");
            assertThat(errors.subList(BURST, errors.size())).containsOnly("rate_limited");
        }
    }

    @Test
    void tenThousandPingsCountAgainstTheRateLimitAndEndWith1008() throws Exception {
        for (String path : List.of("/ws/pingflood", "/ws/ticker")) {
            try (RawWebSocket s = path.equals("/ws/ticker") ? RawWebSocket.open(server.base(), path) : user("pingflood")) {
                s.write(repeat(RawWebSocket.frame(0x89, new byte[0]), 10_000));
                int[] pongs = new int[1];
                assertThat(s.readUntilClose(pongs)).as(path).isEqualTo(1008);
                // Vert.x answers each ping before Herald sees it; the limit stops the flood well before 10 000.
                assertThat(pongs[0]).as("frames before the close on " + path).isLessThan(2_000);
            }
        }
    }

    /** The close code, -1 for a connection ended without a close frame, 0 when nothing came for 10 s. */
    private static int closeCodeOrTimeout(RawWebSocket s) throws IOException {
        try {
            return s.readUntilClose();
        } catch (java.net.SocketTimeoutException e) {
            return 0;
        }
    }

    /** Reads error frames (their codes into {@code codes}) until the close frame; returns its code. */
    private static int readErrorsUntilClose(RawWebSocket s, List<String> codes) throws IOException {
        while (true) {
            Frame f = s.read();
            if (f.opcode() == RawWebSocket.CLOSE) {
                return f.closeCode();
            }
            if (f.opcode() == RawWebSocket.TEXT) {
                JsonObject json = new JsonObject(f.text());
                if ("error".equals(json.getString("type"))) {
                    codes.add(json.getString("code"));
                }
            }
        }
    }

    static byte[] repeat(byte[] frame, int times) {
        byte[] all = new byte[frame.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(frame, 0, all, i * frame.length, frame.length);
        }
        return all;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
