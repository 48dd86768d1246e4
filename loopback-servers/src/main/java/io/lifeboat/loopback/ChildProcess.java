package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    static ChildProcess start(String name, List<String> command, Path workDir, Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(command)
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

    /** Runs a command to completion, for one-off tools such as a storage formatter; fails with the log's tail. */
    static void run(String name, List<String> command, Path workDir, Path logFile, Duration timeout) {
        ChildProcess tool = start(name, command, workDir, logFile);
        try {
            if (!tool.waitFor(timeout)) {
                tool.kill();
                throw new IllegalStateException(name + " did not finish within " + timeout + tool.tailForError());
            }
            if (tool.process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + tool.process.exitValue()
                        + tool.tailForError());
            }
        } finally {
            tool.release();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
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
