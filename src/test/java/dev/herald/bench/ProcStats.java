package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and memory of a process from /proc (Linux). Missing processes read as zero. */
final class ProcStats {
    /** USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK). */
    static final long CLK_TCK = Long.getLong("bench.clkTck", 100);

    private ProcStats() {
    }

    /** utime+stime of the process in nanoseconds, or -1 if it is gone. */
    static long cpuNanos(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // comm may contain spaces: fields start after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
            return ticks * (1_000_000_000L / CLK_TCK);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }

    /** VmRSS in KiB (0 if unknown). */
    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    /** VmHWM (peak RSS) in KiB (0 if unknown). */
    static long hwmKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    static long statusKb(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /** Sum over a set of processes (e.g. Daphne + redis-server). */
    static long cpuNanos(List<Long> pids) {
        long t = 0;
        for (long p : pids) {
            long c = cpuNanos(p);
            if (c > 0) {
                t += c;
            }
        }
        return t;
    }

    static long rssKb(List<Long> pids) {
        long t = 0;
        for (long p : pids) {
            t += rssKb(p);
        }
        return t;
    }

    /** Busy CPU time of the whole machine (all cores) in nanoseconds, from /proc/stat; -1 if unknown. */
    static long machineBusyNanos() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    // user nice system idle iowait irq softirq steal ...
                    long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                            + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
                    return busy * (1_000_000_000L / CLK_TCK);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /** A CPU-time sample of this process, the server processes and the machine, to compute % over an interval. */
    record Sample(long wallNanos, long selfCpu, long serverCpu, long machineBusy, long[] serverCpuEach) {
        static Sample take(List<Long> serverPids) {
            long[] each = new long[serverPids.size()];
            long sum = 0;
            for (int k = 0; k < each.length; k++) {
                each[k] = Math.max(0, cpuNanos(serverPids.get(k)));
                sum += each[k];
            }
            return new Sample(System.nanoTime(), cpuNanos(selfPid()), sum, machineBusyNanos(), each);
        }

        /** percent of one core for each server process, in the order of the pids sampled */
        double[] serverPctEach(Sample later) {
            double[] pct = new double[serverCpuEach.length];
            for (int k = 0; k < pct.length; k++) {
                pct[k] = pct(later.serverCpuEach[k] - serverCpuEach[k], later.wallNanos - wallNanos);
            }
            return pct;
        }

        /** CPU used by everything else on the machine (other builds, the kernel's softirq for loopback...). */
        double otherPct(Sample later) {
            if (machineBusy < 0 || later.machineBusy < 0) {
                return 0;
            }
            double all = pct(later.machineBusy - machineBusy, later.wallNanos - wallNanos);
            return Math.max(0, all - selfPct(later) - serverPct(later));
        }

        /** percent of one core (200 = both cores of this machine busy) */
        double selfPct(Sample later) {
            return pct(later.selfCpu - selfCpu, later.wallNanos - wallNanos);
        }

        double serverPct(Sample later) {
            return pct(later.serverCpu - serverCpu, later.wallNanos - wallNanos);
        }

        private static double pct(long cpu, long wall) {
            return wall <= 0 ? 0 : 100.0 * cpu / wall;
        }
    }
}
