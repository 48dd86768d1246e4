package io.lifeboat.filesync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.ServiceProcess;

/**
 * filesync-service as its own JVM from its packaged jar (as in its pod), configured only by environment variables,
 * with the names the Kubernetes manifests use: for the tests and benchmarks that kill it or measure it.
 */
public final class ServiceUnderTest implements AutoCloseable {

    private final String marker = UUID.randomUUID().toString();
    private final ServiceProcess process;

    public ServiceUnderTest(KafkaBroker kafka, ObjectStore home, ObjectStore offsite, Map<String, String> extra,
            List<String> jvmOptions, Path logDir) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("LIFEBOAT_SITE", "offsite");
        env.put("LIFEBOAT_INSTANCE_ID", "filesync-it");
        env.put("LIFEBOAT_API_OPERATOR_TOKENS", "test-operator-token-000000001");
        for (ObjectStore store : List.of(home, offsite)) {
            String site = store.name().toUpperCase();
            env.put("LIFEBOAT_" + site + "_S3_ENDPOINT", store.endpoint().toString());
            env.put("LIFEBOAT_" + site + "_S3_REGION", store.region());
            env.put("LIFEBOAT_" + site + "_S3_ACCESS_KEY", store.accessKey());
            env.put("LIFEBOAT_" + site + "_S3_SECRET_KEY", store.secretKey());
            env.put("LIFEBOAT_" + site + "_S3_BUCKET", Stores.BUCKET);
        }
        env.putAll(extra);
        List<String> options = new java.util.ArrayList<>(jvmOptions);
        options.add("-Dit.process.marker=" + marker);
        process = new ServiceProcess("filesync-service", jar(), FreePorts.next(), env, options, logDir);
    }

    public static Path jar() {
        String jar = System.getProperty("lifeboat.service.jar");
        Path path = jar != null ? Path.of(jar) : Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: package filesync-service first");
        }
        return path;
    }

    public ServiceUnderTest start() throws IOException, InterruptedException {
        process.start();
        process.awaitReady(Duration.ofSeconds(60));
        return this;
    }

    public void kill() throws InterruptedException {
        process.kill();
    }

    public String url() {
        return process.url();
    }

    public String tail() throws IOException {
        return process.tail(60);
    }

    public Path log() {
        return process.log();
    }

    /** The process's peak resident set (VmHWM), in bytes, from /proc. */
    public long peakResidentBytes() throws IOException {
        return procStatus("VmHWM");
    }

    public long residentBytes() throws IOException {
        return procStatus("VmRSS");
    }

    private long procStatus(String field) throws IOException {
        long pid = pid().orElseThrow(() -> new IllegalStateException("filesync-service is not running"));
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    /** CPU time the process has used so far (user and system, all its threads), in milliseconds, from /proc. */
    public long cpuMillis() {
        return ProcessCpu.millis(pid().orElseThrow(() -> new IllegalStateException("filesync-service is not running")));
    }

    /** The part of it spent in the kernel. */
    public long kernelCpuMillis() {
        return ProcessCpu.kernelMillis(pid().orElseThrow(
                () -> new IllegalStateException("filesync-service is not running")));
    }

    /** The same per thread, a pool's threads summed. */
    public Map<String, Long> cpuMillisByThread() {
        return ProcessCpu.millisByThread(pid().orElseThrow(
                () -> new IllegalStateException("filesync-service is not running")));
    }

    /** Stops the whole process (SIGSTOP): its consumers, heartbeats and timers with it, as if it were frozen. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a {@link #freeze() frozen} process go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        long pid = pid().orElseThrow(() -> new IllegalStateException("filesync-service is not running"));
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + pid + " failed");
        }
    }

    private Optional<Long> pid() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(ProcessHandle::pid).findFirst();
    }

    @Override
    public void close() {
        process.close();
    }
}
