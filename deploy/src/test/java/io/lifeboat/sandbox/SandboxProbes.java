package io.lifeboat.sandbox;

import io.lifeboat.loopback.OrphanReaper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@link SandboxTest} and its drills look at the running sandbox from outside: HTTP, the CLI, buckets, processes. */
final class SandboxProbes {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SandboxProbes() {
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean reachable(String url) {
        try {
            get(url);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    record CliRun(int exit, String out, String err) {
    }

    /** Runs the CLI as people install it, against {@code failoverUrl} with {@code token}, as its environment gives them. */
    static CliRun cli(Path executable, String failoverUrl, String token, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LIFEBOAT_FAILOVER_URL", failoverUrl);
        builder.environment().put("LIFEBOAT_API_TOKEN", token);
        Path out = Files.createTempFile("lifeboat-cli", ".out");
        Path err = Files.createTempFile("lifeboat-cli", ".err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the CLI ends").isTrue();
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** This JVM's live child processes, but for the orphan reaper that outlives every server on purpose. */
    static List<String> ours() {
        Optional<ProcessHandle> reaper = OrphanReaper.watcher();
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> reaper.map(r -> !r.equals(p)).orElse(true))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }

    /** The keys in bucket {@code exports}, but for Lifeboat's own (conflicts, scratch, warm-up). */
    static List<String> exportKeys(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket("exports")).contents().stream().map(S3Object::key)
                .filter(key -> !key.startsWith(".lifeboat-")).toList();
    }
}
