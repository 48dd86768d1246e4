package io.lifeboat.filesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of processes and their threads, from /proc (user and system, clock ticks of 10 ms): where a benchmark's
 * CPU went, in every process that took part, not only in the one it measures.
 */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** CPU the process has used so far, all its threads, in milliseconds. */
    public static long millis(long pid) {
        return ticks(read(Path.of("/proc", Long.toString(pid), "stat")), 11) * 10;
    }

    /** The part of it spent in the kernel (system calls: sockets, files), in milliseconds. */
    public static long kernelMillis(long pid) {
        String[] fields = fields(read(Path.of("/proc", Long.toString(pid), "stat")));
        return Long.parseLong(fields[12]) * 10;
    }

    /**
     * CPU of the children this JVM has started and waited for (cutime and cstime): a short-lived tool's CPU, read as
     * the difference around its run.
     */
    public static long reapedChildrenMillis() {
        return ticks(read(Path.of("/proc/self/stat")), 13) * 10;
    }

    /** CPU per thread of the process, threads of one pool summed (a number ending a name becomes {@code #}), in ms. */
    public static Map<String, Long> millisByThread(long pid) {
        Map<String, Long> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                    byName.merge(name, ticks(stat, 11) * 10, Long::sum);
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }

    /** Two fields summed, counted from the one after the command name (state is 0 there; utime 11, stime 12). */
    private static long ticks(String stat, int first) {
        String[] fields = fields(stat);
        return Long.parseLong(fields[first]) + Long.parseLong(fields[first + 1]);
    }

    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String read(Path stat) {
        try {
            return Files.readString(stat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
