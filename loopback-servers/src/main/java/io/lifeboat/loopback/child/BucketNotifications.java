package io.lifeboat.loopback.child;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * Bucket notifications for the loopback object store, in the format real MinIO publishes to a Kafka target
 * ({@code mc event add ALIAS/BUCKET arn:minio:sqs::ID:kafka --event put,delete}): S3Proxy has none of its own, and
 * the services' notification consumers should be tested against a real store sending real events.
 *
 * <p>Wraps the backend {@link BlobStore}: after each successful put, multipart completion, copy or removal, one record
 * goes to the topic, keyed {@code bucket/key}, valued with the standard S3 event JSON ({@code EventName}, {@code Key},
 * {@code Records[]} with {@code s3.bucket.name}, the URL-encoded {@code s3.object.key}, size, eTag, contentType and
 * userMetadata). Sent after the operation succeeded, as MinIO does, so an event never announces an object that is not
 * there; sent asynchronously, as MinIO does, so a broker outage does not fail uploads (the producer retries).
 *
 * <p>Runs in the object store's child JVM only (it needs jclouds); enabled by {@code ObjectStore#notifyTo}.
 */
public final class BucketNotifications extends ForwardingBlobStore {

    static final String BOOTSTRAP_ENV = "LIFEBOAT_S3_NOTIFY_BOOTSTRAP";
    static final String TOPIC_ENV = "LIFEBOAT_S3_NOTIFY_TOPIC";
    static final String REGION_ENV = "LIFEBOAT_S3_NOTIFY_REGION";
    /** Only keys under this prefix are announced, as MinIO's {@code mc event add --prefix}. */
    static final String PREFIX_ENV = "LIFEBOAT_S3_NOTIFY_PREFIX";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWNER = "lifeboat-loopback";

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String region;
    private final String prefix;
    // MinIO's sequencer orders events per object; a counter gives the same guarantee here.
    private final AtomicLong sequencer = new AtomicLong(System.nanoTime());
    // S3Proxy keeps a stub blob named after each open multipart upload's id (filesystem backends): its own
    // bookkeeping, which MinIO would never announce.
    private final Set<String> openUploads = ConcurrentHashMap.newKeySet();
    // send() blocks while the broker is unreachable; uploads must not wait for Kafka, so one thread sends, in order.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "bucket-notifications");
        thread.setDaemon(true);
        return thread;
    });

    BucketNotifications(BlobStore backend, KafkaProducer<String, String> producer, String topic, String region,
            String prefix) {
        super(backend);
        this.producer = producer;
        this.topic = topic;
        this.region = region;
        this.prefix = prefix;
    }

    /** A properties file of further Kafka client settings (security), optional. */
    static final String CLIENT_CONFIG_ENV = "LIFEBOAT_S3_NOTIFY_CLIENT_CONFIG";

    /** The backend itself unless {@code LIFEBOAT_S3_NOTIFY_BOOTSTRAP} and {@code LIFEBOAT_S3_NOTIFY_TOPIC} are set. */
    public static BlobStore wrapIfConfigured(BlobStore backend, Map<String, String> env) {
        String region = env.getOrDefault(REGION_ENV, "");
        String bootstrap = env.get(BOOTSTRAP_ENV);
        String topic = env.get(TOPIC_ENV);
        if (bootstrap == null || bootstrap.isBlank() || topic == null || topic.isBlank()) {
            return backend;
        }
        Properties props = new Properties();
        String clientConfig = env.get(CLIENT_CONFIG_ENV);
        if (clientConfig != null && !clientConfig.isBlank()) {
            // A secured broker: the store's own user (SASL, truststore), as MinIO's Kafka target is given one.
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(clientConfig))) {
                props.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not read " + clientConfig, e);
            }
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "loopback-bucket-notifications");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // Like MinIO's queue: while the broker is away, events wait (in order) instead of being dropped.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        Runtime.getRuntime().addShutdownHook(new Thread(producer::close, "bucket-notifications-close"));
        return new BucketNotifications(backend, producer, topic, region, env.getOrDefault(PREFIX_ENV, ""));
    }

    @Override
    public MultipartUpload initiateMultipartUpload(String container, BlobMetadata metadata, PutOptions options) {
        MultipartUpload upload = super.initiateMultipartUpload(container, metadata, options);
        openUploads.add(upload.id());
        return upload;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String etag = super.putBlob(container, blob);
        if (openUploads.contains(blob.getMetadata().getName())) {
            return etag;
        }
        created("s3:ObjectCreated:Put", container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String etag = super.putBlob(container, blob, options);
        if (openUploads.contains(blob.getMetadata().getName())) {
            return etag;
        }
        created(options.isMultipart() ? "s3:ObjectCreated:CompleteMultipartUpload" : "s3:ObjectCreated:Put",
                container, blob.getMetadata().getName());
        return etag;
    }

    @Override
    public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
        String etag = super.completeMultipartUpload(upload, parts);
        created("s3:ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName());
        return etag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
            CopyOptions options) {
        String etag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        created("s3:ObjectCreated:Copy", toContainer, toName);
        return etag;
    }

    @Override
    public void removeBlob(String container, String name) {
        super.removeBlob(container, name);
        if (!openUploads.remove(name)) {
            removed(container, name);
        }
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
        super.removeBlobs(container, names);
        names.forEach(name -> {
            if (!openUploads.remove(name)) {
                removed(container, name);
            }
        });
    }

    private void created(String eventName, String bucket, String key) {
        // What is stored now (size, ETag, metadata), not what the request claimed.
        BlobMetadata stored = delegate().blobMetadata(bucket, key);
        if (stored == null) {
            return; // replaced or removed in between: that later operation sends its own event
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", encode(key));
        object.put("size", stored.getContentMetadata().getContentLength() == null ? 0L
                : stored.getContentMetadata().getContentLength());
        object.put("eTag", unquote(stored.getETag()));
        object.put("contentType", stored.getContentMetadata().getContentType());
        Map<String, String> userMetadata = new LinkedHashMap<>();
        if (stored.getContentMetadata().getContentType() != null) {
            userMetadata.put("content-type", stored.getContentMetadata().getContentType());
        }
        stored.getUserMetadata().forEach((name, value) -> userMetadata.put("X-Amz-Meta-" + capitalise(name), value));
        object.put("userMetadata", userMetadata);
        object.put("sequencer", Long.toHexString(sequencer.incrementAndGet()).toUpperCase(Locale.ROOT));
        send(eventName, bucket, key, object);
    }

    private void removed(String bucket, String key) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", encode(key));
        object.put("sequencer", Long.toHexString(sequencer.incrementAndGet()).toUpperCase(Locale.ROOT));
        send("s3:ObjectRemoved:Delete", bucket, key, object);
    }

    private void send(String eventName, String bucket, String key, Map<String, Object> object) {
        if (!key.startsWith(prefix)) {
            return;
        }
        Map<String, Object> s3 = new LinkedHashMap<>();
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "Config");
        s3.put("bucket", Map.of("name", bucket, "ownerIdentity", Map.of("principalId", OWNER),
                "arn", "arn:aws:s3:::" + bucket));
        s3.put("object", object);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventVersion", "2.0");
        record.put("eventSource", "minio:s3");
        record.put("awsRegion", region);
        record.put("eventTime", Instant.now().toString());
        record.put("eventName", eventName);
        record.put("userIdentity", Map.of("principalId", OWNER));
        record.put("requestParameters", Map.of("principalId", OWNER, "region", region, "sourceIPAddress", "127.0.0.1"));
        record.put("responseElements", Map.of("x-amz-request-id", UUID.randomUUID().toString(),
                "x-minio-origin-endpoint", "http://127.0.0.1"));
        record.put("s3", s3);
        record.put("source", Map.of("host", "127.0.0.1", "port", "", "userAgent", "S3Proxy"));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("EventName", eventName);
        event.put("Key", bucket + "/" + key);
        event.put("Records", List.of(record));
        String value;
        try {
            value = JSON.writeValueAsString(event);
        } catch (Exception e) {
            System.err.println("bucket notification for " + bucket + "/" + key + " not written: " + e);
            return;
        }
        sender.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(topic, bucket + "/" + key, value), (metadata, failure) -> {
                    if (failure != null) {
                        System.err.println("bucket notification for " + bucket + "/" + key + " lost: " + failure);
                    }
                });
            } catch (Exception e) {
                System.err.println("bucket notification for " + bucket + "/" + key + " not sent: " + e);
            }
        });
    }

    /** As MinIO encodes object keys in events (Go's url.QueryEscape: '/' as %2F, space as '+'). */
    static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static String unquote(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    private static String capitalise(String metadataName) {
        StringBuilder out = new StringBuilder(metadataName.length());
        boolean upper = true;
        for (char c : metadataName.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return out.toString();
    }
}
