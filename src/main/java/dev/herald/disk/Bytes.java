package dev.herald.disk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * How one value is laid out inside the store: fixed-width numbers and length-prefixed UTF-8 strings, each value
 * starting with a format number so that a later Herald can read what an earlier one wrote. (The file format itself
 * is MVStore's; this is only the content of a value.)
 */
final class Bytes {

    private Bytes() {
    }

    /** Builds one value. */
    static final class Out {
        private byte[] out;
        private int size;

        Out(int format, int sizeHint) {
            out = new byte[Math.max(16, sizeHint)];
            out[size++] = (byte) format;
        }

        private void room(int n) {
            if (size + n > out.length) {
                out = Arrays.copyOf(out, Math.max(size + n, out.length * 2));
            }
        }

        Out i32(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out[size++] = (byte) (v >>> shift);
            }
            return this;
        }

        Out i64(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[size++] = (byte) (v >>> shift);
            }
            return this;
        }

        Out bool(boolean v) {
            room(1);
            out[size++] = (byte) (v ? 1 : 0);
            return this;
        }

        /** A string or null. */
        Out str(String s) {
            return s == null ? i32(-1) : utf8(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A string already in UTF-8, written as {@link #str} writes it. */
        Out utf8(byte[] b) {
            i32(b.length);
            room(b.length);
            System.arraycopy(b, 0, out, size, b.length);
            size += b.length;
            return this;
        }

        /** An instant (millisecond precision is not enough for createdAt ordering: seconds and nanos) or null. */
        Out instant(Instant t) {
            bool(t != null);
            if (t != null) {
                i64(t.getEpochSecond());
                i32(t.getNano());
            }
            return this;
        }

        /** An Integer or null. */
        Out int32(Integer v) {
            bool(v != null);
            if (v != null) {
                i32(v);
            }
            return this;
        }

        byte[] bytes() {
            return size == out.length ? out : Arrays.copyOf(out, size);
        }
    }

    /** Reads one value back. */
    static final class In {
        private final ByteBuffer in;
        final int format;

        In(byte[] value) {
            in = ByteBuffer.wrap(value);
            format = in.get();
        }

        int i32() {
            return in.getInt();
        }

        long i64() {
            return in.getLong();
        }

        boolean bool() {
            return in.get() != 0;
        }

        String str() {
            byte[] b = utf8();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        /** A string's UTF-8 bytes as {@link Out#str} wrote them, or null. */
        byte[] utf8() {
            int n = in.getInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        Instant instant() {
            return bool() ? Instant.ofEpochSecond(in.getLong(), in.getInt()) : null;
        }

        Integer int32() {
            return bool() ? in.getInt() : null;
        }
    }
}
