package io.lifeboat.loopback;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The end of a server's log file, for error messages that explain why a server did not come up. */
final class LogTail {

    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {
    }

    static String of(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", Arrays.copyOfRange(all, from, all.length));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
