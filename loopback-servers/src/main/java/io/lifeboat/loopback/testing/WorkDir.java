package io.lifeboat.loopback.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A test class's own directory under {@code target/} for the servers it starts, removed when the class is done:
 * a crash test's databases and broker logs take gigabytes, and a CI machine's disk is not ours to fill. Kept with
 * {@code -Dlifeboat.loopback.keep=true}, to read after a failure.
 */
public final class WorkDir {

    private WorkDir() {
    }

    public static Path create(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of("target").toAbsolutePath(), prefix);
    }

    /** Removes the directory (its servers stopped first) unless asked to keep it; never fails the test. */
    public static void remove(Path dir) {
        if (dir == null || Boolean.getBoolean("lifeboat.loopback.keep")) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left for the next 'mvn clean'.
        }
    }
}
