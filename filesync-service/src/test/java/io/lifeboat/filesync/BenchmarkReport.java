package io.lifeboat.filesync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@link FilesyncBenchmarkIT}'s report: its lines, the figures they print, and the machine they depend on. */
final class BenchmarkReport {

    static final long MB = 1024 * 1024;
    private static final List<String> REPORT = Collections.synchronizedList(new ArrayList<>());

    private BenchmarkReport() {
    }

    static void report(String format, Object... args) {
        String line = String.format(format, args);
        REPORT.add(line);
        System.out.println(line);
    }

    /** Writes every line reported so far to {@code out}, and prints them all together. */
    static void save(Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Files.write(out, REPORT);
        System.out.println("\n==== filesync-service benchmark ====\n" + String.join("\n", REPORT) + "\n(" + out + ")");
    }

    static long timed(Runnable run) {
        long begin = System.nanoTime();
        run.run();
        return (System.nanoTime() - begin) / 1_000_000;
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static double mbps(long bytes, long ms) {
        return bytes / (double) MB / (ms / 1000.0);
    }

    static double fps(int files, long ms) {
        return files / (ms / 1000.0);
    }

    /** The machine's load averages (1, 5, 15 min) as the kernel reports them: the figures depend on it. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static long totalMemoryGb() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 / 1024;
        } catch (IOException e) {
            return -1;
        }
    }
}
