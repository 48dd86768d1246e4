package io.lifeboat.loopback.child;

import java.net.URI;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * Main class of an object store's child JVM (never loaded in the parent, which has no S3Proxy classes): S3Proxy on
 * the {@code filesystem-nio2} backend, not jclouds' plain {@code filesystem}, which lists directory markers as
 * objects.
 *
 * <p>Arguments: the endpoint ({@code http://127.0.0.1:port}, or {@code https://} with the key store's path and
 * password in {@code LIFEBOAT_S3_KEYSTORE} and {@code LIFEBOAT_S3_KEYSTORE_PASSWORD}) and the base directory. The access key and secret come in
 * the environment ({@code LIFEBOAT_S3_ACCESS_KEY}, {@code LIFEBOAT_S3_SECRET_KEY}) so that they do not show in
 * {@code ps}.
 */
public final class ObjectStoreMain {

    private ObjectStoreMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties backend = new Properties();
        backend.setProperty(FilesystemConstants.PROPERTY_BASEDIR, args[1]);
        // jclouds insists on an identity for every provider; the local filesystem never checks it.
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem-nio2").credentials("local", "local")
                .overrides(backend).build(BlobStoreContext.class);
        S3Proxy.Builder builder = S3Proxy.builder()
                // Opt-in (ObjectStore#notifyTo): MinIO-format bucket notifications to a Kafka topic.
                .blobStore(BucketNotifications.wrapIfConfigured(context.getBlobStore(), System.getenv()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, System.getenv("LIFEBOAT_S3_ACCESS_KEY"),
                        System.getenv("LIFEBOAT_S3_SECRET_KEY"));
        URI endpoint = URI.create(args[0]);
        if ("https".equals(endpoint.getScheme())) {
            // ObjectStore#withTls: HTTPS only, with a key store of a certificate the loopback CA signed.
            builder.secureEndpoint(endpoint).keyStore(System.getenv("LIFEBOAT_S3_KEYSTORE"),
                    System.getenv("LIFEBOAT_S3_KEYSTORE_PASSWORD"));
        } else {
            builder.endpoint(endpoint);
        }
        S3Proxy proxy = builder.build();
        // Jetty starts its handlers before its connector: once the port accepts connections, requests are served.
        proxy.start();
    }
}
