package dev.herald.disk;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
        private final ByteArrayOutputStream out;

        Out(int format, int sizeHint) {
            out = new ByteArrayOutputStream(sizeHint);
            out.write(format);
        }

        Out i32(int v) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write(v >>> shift);
            }
            return this;
        }

        Out i64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
            return this;
        }

        Out bool(boolean v) {
            out.write(v ? 1 : 0);
            return this;
        }

        /** A string or null. */
        Out str(String s) {
            if (s == null) {
                return i32(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            out.writeBytes(b);
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
            return out.toByteArray();
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
            int n = in.getInt();
            if (n < 0) {
                return null;
            }
            String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
            in.position(in.position() + n);
            return s;
        }

        Instant instant() {
            return bool() ? Instant.ofEpochSecond(in.getLong(), in.getInt()) : null;
        }

        Integer int32() {
            return bool() ? in.getInt() : null;
        }
    }
}
