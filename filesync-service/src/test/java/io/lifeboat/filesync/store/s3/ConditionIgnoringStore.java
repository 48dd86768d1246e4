package io.lifeboat.filesync.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lifeboat.loopback.ObjectStore;

/**
 * A store that ignores conditional writes, as S3Proxy 2.6.0 did: every request is passed on to a real store with its
 * {@code If-None-Match} and {@code If-Match} headers dropped (and signed again, since they were signed), so the real
 * store really writes what the condition should have refused. For showing that a check finds such a store.
 */
public final class ConditionIgnoringStore implements AutoCloseable {

    private static final Set<String> NOT_PASSED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "authorization", "x-amz-date", "x-amz-content-sha256", "if-none-match", "if-match");
    private static final Set<String> RESIGNED = Set.of("host", "x-amz-date", "x-amz-content-sha256",
            "x-amz-security-token", "if-none-match", "if-match");

    private final ObjectStore store;
    private final SigV4 signer;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger conditionsDropped = new AtomicInteger();

    public ConditionIgnoringStore(ObjectStore store) throws IOException {
        this.store = store;
        this.signer = new SigV4(store.accessKey(), store.secretKey(), store.region());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::pass);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many requests carried a condition that was dropped. */
    public int conditionsDropped() {
        return conditionsDropped.get();
    }

    private void pass(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI in = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            byte[] body;
            try (InputStream requestBody = exchange.getRequestBody()) {
                body = requestBody.readAllBytes();
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    values.get(0)));
            if (headers.containsKey("if-none-match") || headers.containsKey("if-match")) {
                conditionsDropped.incrementAndGet();
            }
            Map<String, String> signed = new HashMap<>();
            String authorization = headers.getOrDefault("authorization", "");
            int at = authorization.indexOf("SignedHeaders=");
            if (at >= 0) {
                for (String name : authorization.substring(at + 14).split(",")[0].split(";")) {
                    if (!RESIGNED.contains(name) && headers.containsKey(name)) {
                        signed.put(name, headers.get(name));
                    }
                }
            }
            String hostHeader = store.endpoint().getHost() + ":" + store.endpoint().getPort();
            HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(store.endpoint() + in.getRawPath()
                    + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery())))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((name, value) -> {
                if (!NOT_PASSED.contains(name)) {
                    out.header(name, value);
                }
            });
            signer.sign(method, hostHeader, in.getRawPath(), query(in.getRawQuery()), signed, Instant.now())
                    .forEach(out::setHeader);
            HttpResponse<byte[]> answer = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!List.of("content-length", "transfer-encoding", "connection", ":status")
                        .contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] content = answer.body();
            boolean none = method.equals("HEAD") || content.length == 0;
            if (method.equals("HEAD")) {
                answer.headers().firstValue("content-length")
                        .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
            }
            exchange.sendResponseHeaders(answer.statusCode(), none ? -1 : content.length);
            if (!none) {
                try (OutputStream responseBody = exchange.getResponseBody()) {
                    responseBody.write(content);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
