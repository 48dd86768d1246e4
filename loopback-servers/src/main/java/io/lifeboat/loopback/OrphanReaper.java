package io.lifeboat.loopback;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Ends this JVM's server processes when the JVM dies without running its shutdown hooks (SIGKILL, crash), so a killed
 * test run leaves no broker, postmaster or named behind.
 *
 * <p>One small shell process reads the current list of process ids on its standard input, one line per change. The
 * JVM holds the only write end of that pipe (Java closes inherited descriptors in every child it starts), so the
 * shell sees end-of-file exactly when the JVM is gone, whatever killed it. It then sends SIGTERM to the last list it
 * read and SIGKILL ten seconds later to whatever is still alive. After a normal exit the last list is empty because
 * every server removed itself when it stopped.
 */
public final class OrphanReaper {

    private static final String SCRIPT = """
            pids=
            while IFS= read -r line; do pids=$line; done
            [ -n "$pids" ] || exit 0
            kill -TERM $pids 2>/dev/null
            i=0
            while [ $i -lt 20 ]; do
              alive=
              for p in $pids; do kill -0 $p 2>/dev/null && alive="$alive $p"; done
              [ -n "$alive" ] || exit 0
              sleep 0.5
              i=$((i+1))
            done
            kill -KILL $alive 2>/dev/null
            """;

    private static final Set<Long> PIDS = new TreeSet<>();
    private static Writer watcher;
    private static Process shell;

    private OrphanReaper() {
    }

    /** The watcher itself: it lives as long as this JVM, so "no process left behind" checks must pass over it. */
    public static synchronized Optional<ProcessHandle> watcher() {
        return Optional.ofNullable(shell).map(Process::toHandle);
    }

    static synchronized void watch(long pid) {
        PIDS.add(pid);
        publish();
    }

    static synchronized void forget(long pid) {
        PIDS.remove(pid);
        publish();
    }

    private static void publish() {
        try {
            if (watcher == null) {
                shell = new ProcessBuilder("/bin/sh", "-c", SCRIPT)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                watcher = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
            }
            watcher.write(PIDS.stream().map(String::valueOf).collect(Collectors.joining(" ")) + "\n");
            watcher.flush();
        } catch (IOException e) {
            // A safety net only: the servers still stop through close() and their shutdown hooks.
            watcher = null;
        }
    }
}
