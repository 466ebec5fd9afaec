package dev.herald.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hand-made WebSocket client that writes whatever bytes a test asks for: frames with any opcode, RSV bits and
 * length, compressed-looking frames, floods of pings, and reads (or does not read) what comes back. Unlike
 * {@link TestSocket} it never answers pings and never validates anything, as an attacker would not.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One frame read from the server. */
    public record Frame(int opcode, boolean rsv1, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final String responseHead;

    private RawWebSocket(Socket socket, String responseHead, InputStream in) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(in);
        this.responseHead = responseHead;
    }

    /** Upgrades {@code path}; {@code headers} are added to the request (e.g. Sec-WebSocket-Extensions). */
    public static RawWebSocket open(URI base, String path, Map<String, String> headers) throws IOException {
        return open(base, path, headers, 0);
    }

    /**
     * As {@link #open(URI, String, Map)}, with a small receive buffer when {@code receiveBuffer > 0}, so that a
     * client that does not read pushes back on the server quickly.
     */
    public static RawWebSocket open(URI base, String path, Map<String, String> headers, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                socket.close();
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
        return new RawWebSocket(socket, head.toString(), in);
    }

    public static RawWebSocket open(URI base, String path) throws IOException {
        return open(base, path, Map.of());
    }

    /** The value of a header of the 101 response, or null. */
    public String responseHeader(String name) {
        return responseHead.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
    }

    /**
     * One masked frame as a client sends it. {@code first} is the whole first byte (FIN, RSV1-3, opcode), so a
     * test can set any bit; the length is encoded in its minimal form whatever the opcode.
     */
    public static byte[] frame(int first, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(first);
        int n = payload.length;
        if (n < 126) {
            frame.write(0x80 | n);
        } else if (n < 65_536) {
            frame.write(0x80 | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(0x80 | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < n; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    /** The header of a masked frame that announces {@code length} payload bytes (the payload is not written). */
    public static byte[] header(int first, long length) {
        ByteBuffer header = ByteBuffer.allocate(14);
        header.put((byte) first);
        header.put((byte) (0x80 | 127));
        header.putLong(length);
        header.putInt(ThreadLocalRandom.current().nextInt());
        return java.util.Arrays.copyOf(header.array(), header.position());
    }

    /** A final frame of {@code opcode} with {@code payload}. */
    public static byte[] frame(int opcode, String payload) {
        return frame(0x80 | opcode, payload.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendText(String text) throws IOException {
        write(frame(TEXT, text));
    }

    /** The next frame; throws {@link SocketTimeoutException} after 10 s without one, EOF when the peer closed. */
    public Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if ((second & 0x80) != 0) {
            in.readInt(); // servers do not mask, but a broken one might
        }
        byte[] payload = in.readNBytes((int) length);
        return new Frame(first & 0x0F, (first & 0x40) != 0, payload);
    }

    /** Counts frames until the server's close frame and returns its code: -1 when the connection ended without one. */
    public int readUntilClose() throws IOException {
        return readUntilClose(new int[1]);
    }

    /**
     * As {@link #readUntilClose()}, counting the other frames read on the way in {@code seen[0]}. Gives up with a
     * {@link SocketTimeoutException} after 15 s, even while frames keep coming (a ticker that is never closed).
     */
    public int readUntilClose(int[] seen) throws IOException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        try {
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("no close frame within 15 s (" + seen[0] + " frames read)");
                }
                Frame f = read();
                if (f.opcode() == CLOSE) {
                    return f.closeCode();
                }
                seen[0]++;
            }
        } catch (EOFException | SocketException e) {
            return -1;
        }
    }

    /** Closes the TCP connection with a reset (SO_LINGER 0), as a crashed client or a lost network does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
