package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * A real S3-compatible server (S3Proxy in this JVM) on 127.0.0.1, storing objects as files under the work directory.
 *
 * <p>The {@code filesystem-nio2} backend, not jclouds' plain {@code filesystem}: the latter lists directory markers
 * as objects. Requests must be signed (AWS signature V2 or V4) with {@link #accessKey()} and {@link #secretKey()};
 * clients must use path-style addressing. {@link #stop()} then {@link #start()} serves the same buckets on the same
 * port.
 */
public final class ObjectStore implements AutoCloseable {

    public static final String REGION = "us-east-1";

    private final String name;
    private final Path workDir;
    private final int port = FreePorts.next();
    private final String accessKey = "LB" + Secrets.upperAlphanumeric(18);
    private final String secretKey = Secrets.alphanumeric(40);
    private BlobStoreContext context;
    private S3Proxy proxy;

    /** @param name the site this store stands for ("home", "offsite") */
    public ObjectStore(String name, Path workDir) {
        this.name = name;
        this.workDir = workDir.toAbsolutePath();
    }

    public synchronized ObjectStore start() {
        if (isRunning()) {
            return this;
        }
        try {
            Files.createDirectories(dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dataDir(), e);
        }
        Properties backend = new Properties();
        backend.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir().toString());
        // jclouds insists on an identity for every provider; the local filesystem never checks it.
        context = ContextBuilder.newBuilder("filesystem-nio2").credentials("local", "local").overrides(backend)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("object store '" + name + "' did not start on " + endpoint(), e);
        }
        // Jetty binds in start(), so the port accepts connections once start() has returned.
        return this;
    }

    public String name() {
        return name;
    }

    public URI endpoint() {
        return URI.create("http://" + FreePorts.LOOPBACK.getHostAddress() + ":" + port);
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

    /** Creates the bucket unless it exists. */
    public synchronized void createBucket(String bucket) {
        if (!isRunning()) {
            throw new IllegalStateException("object store '" + name + "' is not running");
        }
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    public synchronized boolean isRunning() {
        return proxy != null && "STARTED".equals(proxy.getState());
    }

    public synchronized void stop() {
        if (proxy != null) {
            try {
                proxy.stop();
            } catch (Exception e) {
                throw new IllegalStateException("object store '" + name + "' did not stop cleanly", e);
            } finally {
                proxy = null;
                context.close();
                context = null;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
