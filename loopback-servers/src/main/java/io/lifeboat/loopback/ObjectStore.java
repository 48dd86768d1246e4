package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real S3-compatible server (S3Proxy on jclouds' {@code filesystem-nio2} backend) in a child JVM on 127.0.0.1,
 * storing each bucket as a directory and each object as a file under the work directory.
 *
 * <p>Requests must be signed (AWS signature V2 or V4) with {@link #accessKey()} and {@link #secretKey()}; clients must
 * use path-style addressing. {@link #stop()} then {@link #start()} serves the same buckets on the same port.
 */
public final class ObjectStore extends ChildServer {

    public static final String REGION = "us-east-1";
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");

    private static final String CLASSPATH_RESOURCE = "object-store.classpath";
    // By name: referring to the class would load it here, where S3Proxy's classes are absent.
    private static final String MAIN = "io.lifeboat.loopback.child.ObjectStoreMain";
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final String name;
    private final Path workDir;
    private final int port = FreePorts.next();
    private final String accessKey = "LB" + Secrets.upperAlphanumeric(18);
    private final String secretKey = Secrets.alphanumeric(40);
    private Map<String, String> notifications = Map.of();
    private LoopbackCa tlsCa;

    /** @param name the site this store stands for ("home", "offsite") */
    public ObjectStore(String name, Path workDir) {
        super(Duration.ofSeconds(10));
        this.name = name;
        this.workDir = workDir.toAbsolutePath();
    }

    public synchronized ObjectStore start() {
        if (isRunning()) {
            return this;
        }
        Path log4jConfig = workDir.resolve("log4j2.properties");
        try {
            Files.createDirectories(dataDir());
            Files.writeString(log4jConfig, JavaCommand.log4jToFile(logFile(), "WARN"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + workDir, e);
        }
        process = ChildProcess.start("object-store-" + name,
                JavaCommand.of(CLASSPATH_RESOURCE, DEFAULT_JVM_OPTIONS, log4jConfig, MAIN,
                        List.of(endpoint().toString(), dataDir().toString())),
                environment(),
                workDir, logFile())
                .readyOrKilled(this::awaitReady);
        return this;
    }

    /**
     * From the next {@link #start()} on, publishes a bucket notification for every object created or removed, in the
     * format real MinIO sends to a Kafka target (see {@code child.BucketNotifications}), keyed {@code bucket/key}.
     */
    public synchronized ObjectStore notifyTo(String bootstrapServers, String topic) {
        return notifyTo(bootstrapServers, topic, "");
    }

    /**
     * The same on a secured broker: the notifications are sent with these client settings ({@link
     * KafkaBroker#addUser}: the store's own user), kept in an owner-only file of the work directory.
     */
    public synchronized ObjectStore notifyTo(Map<String, String> kafkaClient, String topic) {
        Path file = workDir.resolve("notify-client.properties");
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(kafkaClient);
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(file)) {
                properties.store(out, "Kafka client settings of this store's bucket notifications");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        notifyTo(kafkaClient.get("bootstrap.servers"), topic, "");
        Map<String, String> withClient = new java.util.HashMap<>(notifications);
        withClient.put("LIFEBOAT_S3_NOTIFY_CLIENT_CONFIG", file.toString());
        notifications = Map.copyOf(withClient);
        return this;
    }

    /** The same for keys under {@code prefix} only, as MinIO's {@code mc event add --prefix}. */
    public synchronized ObjectStore notifyTo(String bootstrapServers, String topic, String prefix) {
        notifications = Map.of("LIFEBOAT_S3_NOTIFY_BOOTSTRAP", bootstrapServers, "LIFEBOAT_S3_NOTIFY_TOPIC", topic,
                "LIFEBOAT_S3_NOTIFY_REGION", REGION, "LIFEBOAT_S3_NOTIFY_PREFIX", prefix);
        return this;
    }

    /**
     * From the next {@link #start()} on: HTTPS only ({@link #endpoint()} is {@code https://127.0.0.1:port}), with a
     * certificate for 127.0.0.1 signed by {@code ca}.
     */
    public synchronized ObjectStore withTls(LoopbackCa ca) {
        this.tlsCa = ca;
        return this;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>(notifications);
        env.put("LIFEBOAT_S3_ACCESS_KEY", accessKey);
        env.put("LIFEBOAT_S3_SECRET_KEY", secretKey);
        if (tlsCa != null) {
            Path passwordFile = workDir.resolve("keystore.password");
            String password;
            try {
                if (!Files.exists(passwordFile)) {
                    Files.writeString(passwordFile, Secrets.alphanumeric(24));
                }
                password = Files.readString(passwordFile).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("could not keep the key store password in " + passwordFile, e);
            }
            Path keystore = tlsCa.serverKeystore("s3-" + name, password);
            env.put("LIFEBOAT_S3_KEYSTORE", keystore.toString());
            env.put("LIFEBOAT_S3_KEYSTORE_PASSWORD", password);
        }
        return env;
    }

    public String name() {
        return name;
    }

    public URI endpoint() {
        return URI.create((tlsCa == null ? "http" : "https") + "://" + FreePorts.LOOPBACK.getHostAddress() + ":"
                + port);
    }

    public int port() {
        return port;
    }

    public String region() {
        return REGION;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where the buckets are kept: one directory per bucket, one file per object. */
    public Path dataDir() {
        return workDir.resolve("data");
    }

    public Path logFile() {
        return workDir.resolve("s3proxy.log");
    }

    /**
     * Creates the bucket unless it exists; also while the server is stopped. The backend keeps a bucket as a directory
     * of the base directory, so creating that directory is creating the bucket.
     */
    public void createBucket(String bucket) {
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
        }
        try {
            Files.createDirectories(dataDir().resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create bucket " + bucket + " in " + dataDir(), e);
        }
    }

    private void awaitReady(ChildProcess process) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!FreePorts.accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("object store '" + name + "' exited with code " + process.exitValue()
                        + " while starting" + process.tailForError());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("object store '" + name + "' not listening on " + endpoint()
                        + " after " + READY_TIMEOUT + process.tailForError());
            }
            process.waitFor(POLL);
        }
    }
}
