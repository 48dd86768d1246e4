package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server running as a child process, its output appended to a log file. */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.shutdownHook = new Thread(() -> terminate(Duration.ofSeconds(10)), name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        OrphanReaper.watch(process.pid());
    }

    /**
     * Waits until the child is ready ({@code ready} throws when it is not in time, or it died); a child that is not
     * ready is killed before the failure is thrown, so that no half-started server outlives its test.
     */
    ChildProcess readyOrKilled(java.util.function.Consumer<ChildProcess> ready) {
        try {
            ready.accept(this);
            return this;
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path workDir,
                              Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            return new ChildProcess(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Waits at most {@code timeout}, returning early (true) when the process exits: doubles as a poll interval. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}. */
    void terminate(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(grace)) {
                kill();
            }
        }
        release();
    }

    /** SIGKILL: the abrupt end a crash or a pulled plug gives. */
    void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        release();
    }

    private void release() {
        OrphanReaper.forget(process.pid());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook itself is what is stopping us.
        }
    }

    String tailForError() {
        return "\n--- last lines of " + logFile + " ---\n" + LogTail.of(logFile, 40);
    }
}
