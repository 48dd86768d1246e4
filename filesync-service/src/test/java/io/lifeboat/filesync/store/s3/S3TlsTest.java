package io.lifeboat.filesync.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.HttpsURLConnection;

import io.lifeboat.loopback.LoopbackCa;
import io.lifeboat.loopback.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * filesync's S3 client against a store that serves HTTPS only, with a certificate from a CA of its own (as a private
 * MinIO or an on-premises S3 is run): the client trusts the bundle it is given and nothing else.
 *
 * <p>Temporary credentials: the session token is sent as {@code x-amz-security-token} and is one of the signed
 * headers. The loopback store (S3Proxy) cannot check one: it answers every request that carries that header with
 * 501 NotImplemented. So what is checked here is that the signed request carries the token, and that it reaches the
 * store over verified TLS; that a store accepts a valid token and refuses an invented one is not checked.
 */
class S3TlsTest {

    private static final String BUCKET = "exports";
    private static final String TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN/with+slash=";

    @TempDir
    static Path workDir;
    static LoopbackCa ca;
    static ObjectStore store;

    @BeforeAll
    static void start() {
        ca = LoopbackCa.in(workDir.resolve("ca"));
        store = new ObjectStore("tls", workDir.resolve("store")).withTls(ca).start();
        store.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    private static S3Http client(Optional<Path> caBundle) {
        return client(caBundle, Optional.empty());
    }

    private static S3Http client(Optional<Path> caBundle, Optional<String> token) {
        return new S3Http(store.endpoint(), store.region(), store.accessKey(), store.secretKey(), token, true, 4,
                Duration.ofSeconds(10), caBundle);
    }

    @Test
    void putsListsAndGetsOverHttpsVerifiedAgainstTheBundle() throws Exception {
        assertThat(store.endpoint().getScheme()).isEqualTo("https");
        S3Http s3 = client(Optional.of(ca.certificate()));
        byte[] body = "over TLS\n".getBytes(StandardCharsets.UTF_8);
        s3.put(BUCKET, "tls/report.csv", Map.of("lifeboat-origin-site", "home"), "text/csv", null, body.length,
                new ByteArrayInputStream(body), WriteCondition.NONE);
        assertThat(s3.head(BUCKET, "tls/report.csv").orElseThrow().size()).isEqualTo(body.length);
        try (ObjectStream in = s3.get(BUCKET, "tls/report.csv", null).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        List<String> keys = new java.util.ArrayList<>();
        s3.list(BUCKET, null, 100).forEach(listed -> keys.add(listed.key()));
        assertThat(keys).contains("tls/report.csv");
    }

    @Test
    void aStoreWhoseCertificateIsNotFromTheBundleIsRefused() {
        LoopbackCa other = LoopbackCa.in(workDir.resolve("other-ca"));
        assertThatThrownBy(() -> client(Optional.of(other.certificate())).headBucket(BUCKET))
                .hasStackTraceContaining("PKIX path");
        assertThatThrownBy(() -> client(Optional.empty()).headBucket(BUCKET))
                .as("without the bundle, the JVM's trust store does not know the loopback CA")
                .hasStackTraceContaining("PKIX path");
    }

    @Test
    void theSessionTokenIsSignedAndSentToTheStore() throws Exception {
        SigV4 signer = new SigV4(store.accessKey(), store.secretKey(), store.region(), TOKEN);
        String host = store.endpoint().getHost() + ":" + store.endpoint().getPort();
        Map<String, String> headers = signer.sign("HEAD", host, "/" + BUCKET, Map.of(), Map.of(), Instant.now());
        assertThat(headers).containsEntry("x-amz-security-token", TOKEN);
        assertThat(headers.get("Authorization")).contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                + "x-amz-security-token");

        Map<String, String> withoutToken = new SigV4(store.accessKey(), store.secretKey(), store.region())
                .sign("HEAD", host, "/" + BUCKET, Map.of(), Map.of(), Instant.now());
        assertThat(headBucket(withoutToken)).as("the same request with static credentials").isEqualTo(200);
        assertThat(headBucket(headers)).as("S3Proxy refuses x-amz-security-token: it received it").isEqualTo(501);
        assertThatThrownBy(() -> client(Optional.of(ca.certificate()), Optional.of(TOKEN)).put(BUCKET, "t", Map.of(),
                "text/plain", null, 0, new ByteArrayInputStream(new byte[0]), WriteCondition.NONE))
                .hasMessageContaining("501").hasMessageContaining("not implemented");
    }

    private static int headBucket(Map<String, String> headers) throws Exception {
        URI uri = URI.create(store.endpoint() + "/" + BUCKET);
        HttpsURLConnection c = (HttpsURLConnection) uri.toURL().openConnection();
        c.setSSLSocketFactory(TrustBundle.socketFactory(ca.certificate()));
        c.setRequestMethod("HEAD");
        headers.forEach(c::setRequestProperty);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
