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
