package io.lifeboat.filesync.mirror;

import static io.lifeboat.filesync.testing.Stores.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.testing.Stores;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The race the conditional writes close, made to happen every time: offsite's store is reached through a relay that,
 * when the mirror's PUT of the key comes, first lets the SaaS write its own version of that key at offsite, then
 * passes the PUT on. The mirror had looked at offsite before that write and found nothing; an unconditional PUT would
 * overwrite the SaaS's file (and its notification would later be taken for an echo of the copy). The mirror must
 * instead be refused, look again, and keep both versions as a conflict.
 */
class MirrorRaceTest {

    private static final String NATIVE = "written by the SaaS at offsite between the mirror's look and its copy";
    private static ObjectStore offsiteStore;
    private static SiteBucket home;
    private static S3Client homeS3;
    private static S3Client offsiteS3;
    private static Relay relay;

    @BeforeAll
    static void stores() throws IOException {
        ObjectStore h = Stores.store("home");
        offsiteStore = Stores.store("offsite");
        home = SiteBucket.connect("home", h.endpoint(), h.region(), h.accessKey(), h.secretKey(), true, BUCKET,
                List.of(), List.of(), 8, Duration.ofSeconds(30));
        homeS3 = Stores.s3("home");
        offsiteS3 = Stores.s3("offsite");
        relay = new Relay(offsiteStore.endpoint().getPort());
    }

    @AfterAll
    static void stop() throws IOException {
        relay.close();
    }

    @Test
    void aFileWrittenAtTheTargetAfterTheMirrorLookedIsNeverOverwritten() {
        String key = "race-" + UUID.randomUUID() + "/report.csv";
        homeS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("home's version"));
        SiteBucket offsiteThroughRelay = SiteBucket.connect("offsite", URI.create("http://127.0.0.1:" + relay.port()),
                offsiteStore.region(), offsiteStore.accessKey(), offsiteStore.secretKey(), true, BUCKET, List.of(),
                List.of(), 8, Duration.ofSeconds(30));
        AtomicBoolean raced = new AtomicBoolean();
        relay.beforeFirst("PUT /" + BUCKET + "/" + key + " ", () -> {
            offsiteS3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(NATIVE));
            raced.set(true);
        });
        MirrorWorker worker = new MirrorWorker(8 * 1024 * 1024, 5 * 1024 * 1024, ".lifeboat-conflicts/");

        MirrorOutcome outcome = worker.mirror(new BucketLink("home-to-offsite-files", home, offsiteThroughRelay), key);

        assertThat(raced).as("the SaaS wrote at offsite while the copy was on its way").isTrue();
        // Which version wins depends on the two writes' times (a tie goes to the smaller site id); either way both are
        // kept at offsite, one under the key, the other under the conflict prefix.
        assertThat(outcome.kind().isConflict()).as(outcome.reason()).isTrue();
        assertThat(outcome.reason()).contains("decided at look 2");
        List<String> versions = new java.util.ArrayList<>();
        versions.add(content(key));
        offsiteS3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(".lifeboat-conflicts/")).contents().stream()
                .filter(o -> o.key().endsWith("/" + key)).forEach(o -> versions.add(content(o.key())));
        assertThat(versions).containsExactlyInAnyOrder(NATIVE, "home's version");
    }

    private static String content(String key) {
        return offsiteS3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
    }

    /**
     * A TCP relay to a port on 127.0.0.1 that runs an action once, before it passes on the client's bytes that hold a
     * given request line (found in the stream as it goes, across keep-alive requests).
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final int targetPort;
        private volatile byte[] trigger;
        private volatile Runnable action;

        Relay(int targetPort) throws IOException {
            this.targetPort = targetPort;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void beforeFirst(String requestLineStart, Runnable once) {
            this.action = once;
            this.trigger = requestLineStart.getBytes(StandardCharsets.US_ASCII);
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket store = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    pump(client, store, true);
                    pump(store, client, false);
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to, boolean watch) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                int matched = 0;
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        byte[] wanted = trigger;
                        for (int i = 0; watch && wanted != null && i < n; i++) {
                            matched = buffer[i] == wanted[matched] ? matched + 1 : (buffer[i] == wanted[0] ? 1 : 0);
                            if (matched == wanted.length) {
                                Runnable once = action;
                                action = null;
                                trigger = null;
                                if (once != null) {
                                    once.run();
                                }
                                break;
                            }
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | RuntimeException ended) {
                    // one side closed
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }, "relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
