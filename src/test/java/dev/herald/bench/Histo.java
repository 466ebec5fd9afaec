package dev.herald.bench;

/**
 * Log-linear latency histogram (HdrHistogram-style, 2 significant digits: 64 linear sub-buckets per
 * power of two, so a reported percentile is within 1.6% of the true value). Values are microseconds.
 * Not thread-safe on its own: every recording thread owns one instance; {@link #add} merges them.
 */
final class Histo {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;          // 64
    private static final int LINEAR = SUB * 2;             // values 0..127 are exact
    private static final int MAX_EXP = 40;                  // up to 2^46 us (~2 years)
    private final long[] counts = new long[LINEAR + MAX_EXP * SUB];
    private long total;
    private long max;
    private long min = Long.MAX_VALUE;
    private double sum;

    static int index(long v) {
        if (v < LINEAR) {
            return (int) Math.max(0, v);
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int e = msb - SUB_BITS;                           // >= 1
        if (e > MAX_EXP) {
            return LINEAR + MAX_EXP * SUB - 1;
        }
        int sub = (int) (v >>> e);                        // 64..127
        return LINEAR + (e - 1) * SUB + (sub - SUB);
    }

    /** Highest value that maps to the bucket (what a percentile reports). */
    static long upper(int idx) {
        if (idx < LINEAR) {
            return idx;
        }
        int e = (idx - LINEAR) / SUB + 1;
        long sub = (idx - LINEAR) % SUB + SUB;
        return ((sub + 1) << e) - 1;
    }

    synchronized void record(long micros) {
        if (micros < 0) {
            micros = 0;
        }
        counts[index(micros)]++;
        total++;
        sum += micros;
        if (micros > max) {
            max = micros;
        }
        if (micros < min) {
            min = micros;
        }
    }

    synchronized void add(Histo o) {
        synchronized (o) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o.counts[i];
            }
            total += o.total;
            sum += o.sum;
            max = Math.max(max, o.max);
            min = Math.min(min, o.min);
        }
    }

    /**
     * The histogram as one line of text ("total sum min max idx:count,idx:count..."), for a generator in another
     * process to report its latencies; {@link #decode} reads it back.
     */
    synchronized String encode() {
        StringBuilder sb = new StringBuilder().append(total).append(' ').append((long) sum).append(' ')
                .append(total == 0 ? 0 : min).append(' ').append(max).append(' ');
        boolean first = true;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                sb.append(first ? "" : ",").append(i).append(':').append(counts[i]);
                first = false;
            }
        }
        return sb.append(first ? "-" : "").toString();
    }

    static Histo decode(String line) {
        String[] f = line.trim().split(" ");
        Histo h = new Histo();
        h.total = Long.parseLong(f[0]);
        h.sum = Long.parseLong(f[1]);
        h.min = h.total == 0 ? Long.MAX_VALUE : Long.parseLong(f[2]);
        h.max = Long.parseLong(f[3]);
        if (!f[4].equals("-")) {
            for (String bucket : f[4].split(",")) {
                int c = bucket.indexOf(':');
                h.counts[Integer.parseInt(bucket.substring(0, c))] = Long.parseLong(bucket.substring(c + 1));
            }
        }
        return h;
    }

    synchronized long count() {
        return total;
    }

    synchronized long max() {
        return total == 0 ? 0 : max;
    }

    synchronized double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /** Value at quantile q (0..1), in microseconds; 0 when empty. */
    synchronized long percentile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upper(i), max);
            }
        }
        return max;
    }
}
