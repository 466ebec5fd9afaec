package dev.herald.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client that completes the handshake and then neither reads nor answers pings: a dead peer, or a
 * consumer that has stopped reading.
 */
public final class SilentClient implements AutoCloseable {

    private final Socket socket;

    private SilentClient(Socket socket) {
        this.socket = socket;
    }

    public static SilentClient open(URI base, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // a small window, so an unread backlog builds up on the server
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
        return new SilentClient(socket);
    }

    /** Reads (and discards) everything the server sent until its close frame; returns the close code, or -1. */
    public int readUntilClose() throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        try {
            while (true) {
                int first = in.readUnsignedByte();
                long length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = in.readNBytes((int) length);
                if ((first & 0x0F) == 8) {
                    return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                }
            }
        } catch (java.io.EOFException e) {
            return -1;
        }
    }

    /** Writes one masked text frame, as a client must; the server's frames are still never read. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81); // FIN, text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = { 0x12, 0x34, 0x56, 0x78 };
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        socket.getOutputStream().write(frame.toByteArray());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
