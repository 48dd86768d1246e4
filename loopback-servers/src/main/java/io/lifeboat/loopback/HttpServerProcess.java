package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A server with an HTTP API on 127.0.0.1 and a free port, run as a child process from a Debian package's binary,
 * its configuration and data in a work directory, ready when its readiness path answers 200: what Prometheus and
 * Alertmanager share.
 */
abstract class HttpServerProcess extends ChildServer {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    protected final Path workDir;
    protected final int port = FreePorts.next();
    private final String binary;
    private final String debianPackage;

    protected HttpServerProcess(Path workDir, String binary, String debianPackage) {
        super(Duration.ofSeconds(10));
        this.workDir = workDir.toAbsolutePath();
        this.binary = binary;
        this.debianPackage = debianPackage;
    }

    /** The configuration file's content, written at every start. */
    protected abstract String configuration();

    /** The command line, given the configuration file. */
    protected abstract List<String> command(Path configFile);

    protected abstract String name();

    public synchronized HttpServerProcess start() {
        if (isRunning()) {
            return this;
        }
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException(binary + " not found: install it with 'apt-get install -y " + debianPackage
                    + "' (./lifeboat test does)");
        }
        Path config = workDir.resolve(name() + ".yml");
        try {
            Files.createDirectories(workDir.resolve("data"));
            Files.writeString(config, configuration());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + name() + "'s configuration in " + workDir, e);
        }
        process = ChildProcess.start(name(), command(config), Map.of(), workDir, logFile())
                .readyOrKilled(this::awaitReady);
        return this;
    }

    /** http://127.0.0.1:port */
    public String url() {
        return "http://" + FreePorts.LOOPBACK.getHostAddress() + ":" + port;
    }

    public String hostPort() {
        return FreePorts.LOOPBACK.getHostAddress() + ":" + port;
    }

    public Path logFile() {
        return workDir.resolve(name() + ".log");
    }

    private void awaitReady(ChildProcess process) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception lastProblem = null;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with code " + process.exitValue() + " while starting"
                        + process.tailForError());
            }
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                lastProblem = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " on " + url() + " was not ready within " + READY_TIMEOUT
                        + process.tailForError(), lastProblem);
            }
            process.waitFor(POLL);
        }
    }
}
