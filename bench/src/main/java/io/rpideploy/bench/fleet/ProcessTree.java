package io.rpideploy.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time and resident memory of a process and all its descendants, from /proc. */
final class ProcessTree {

    private ProcessTree() {
    }

    /** User plus system time of the living tree, in clock ticks (USER_HZ, 100 per second). */
    static long cpuTicks(long pid) {
        return tree(pid).mapToLong(ProcessTree::ticks).sum();
    }

    /** VmRSS of the living tree, in KiB. */
    static long rssKib(long pid) {
        return tree(pid).mapToLong(ProcessTree::rss).sum();
    }

    private static Stream<Long> tree(long pid) {
        return ProcessHandle.of(pid).map(h -> Stream.concat(Stream.of(h), h.descendants()).map(ProcessHandle::pid))
                .orElse(Stream.empty());
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited meanwhile
        }
        return 0;
    }
}
