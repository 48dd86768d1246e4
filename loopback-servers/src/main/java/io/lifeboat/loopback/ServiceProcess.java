package io.lifeboat.loopback;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Lifeboat service running as its own JVM from its packaged jar, as it would in its own pod: for the sandbox,
 * and for tests that must kill a service for real ({@link #kill()}) and start it again.
 */
public final class ServiceProcess extends ChildServer {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private final Path log;
    private final Path workingDir;

    /**
     * @param jar         the service's {@code target/quarkus-app/quarkus-run.jar}
     * @param environment configuration, as a Kubernetes pod would receive it
     * @param logDir      where {@code <name>.log} is appended to
     */
    public ServiceProcess(String name, Path jar, int port, Map<String, String> environment, List<String> jvmOptions,
            Path logDir) {
        this(name, jar, port, environment, jvmOptions, logDir, jar.getParent());
    }

    /**
     * @param workingDir the process's working directory: Quarkus reads {@code config/application.properties} there,
     *                   as a pod reads the file its Deployment mounts under its {@code workingDir}
     */
    public ServiceProcess(String name, Path jar, int port, Map<String, String> environment, List<String> jvmOptions,
            Path logDir, Path workingDir) {
        super(Duration.ofSeconds(20));
        this.workingDir = workingDir;
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = logDir.resolve(name + ".log");
    }

    /** The jar of a service module, found from the repository root. */
    public static Path jarOf(Path repositoryRoot, String module) {
        return repositoryRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " is missing; build first (./mvnw -DskipTests install)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JavaCommand.testOptions());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        process = ChildProcess.start(name, command, env, workingDir, log);
    }

    /** Waits until {@code /q/health/ready} answers UP; fails with the end of the service's log otherwise. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!isRunning()) {
                throw new IllegalStateException(name + " exited:\n" + tail(40));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            }
            process.waitFor(Duration.ofMillis(200));
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** The last lines of the service's log, for failure messages. */
    public String tail(int lines) {
        return LogTail.of(log, lines);
    }
}
