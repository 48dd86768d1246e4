package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Ports handed out by one JVM are never another's while it lives, and are free again once it is killed. */
class FreePortsTest {

    /** A JVM that takes three ports, prints them and waits for its standard input to end. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            for (int i = 0; i < 3; i++) {
                System.out.println(FreePorts.next());
            }
            System.out.flush();
            System.in.read();
        }
    }

    @Test
    void anotherJvmsPortsAreNotHandedOutUntilItIsKilled() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Integer> held = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                held.add(Integer.parseInt(out.readLine().trim()));
            }
            for (int port : held) {
                assertThat(FreePorts.reserve(port)).as("port %d, held by the other JVM", port).isNull();
            }
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (int port : held) {
            FileLock lock = FreePorts.reserve(port);
            assertThat(lock).as("port %d after the other JVM was killed", port).isNotNull();
            FreePorts.release(lock);
        }
    }
}
