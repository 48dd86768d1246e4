package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** GET the URL; the status must be in the expected range and, if asked, the body must contain a substring. */
final class HttpProbe extends TimedProbe {

    /** Enough of a health page to find the expected text; a huge page must not cost memory. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpClient client;
    private final HttpRequest request;

    HttpProbe(TargetSpec target, HttpClient client) {
        super(target);
        this.client = client;
        this.request = HttpRequest.newBuilder(URI.create(target.address()))
                .timeout(target.timeout())
                .header("User-Agent", "lifeboat-heartbeat")
                .header("Cache-Control", "no-cache")
                .GET()
                .build();
    }

    @Override
    protected ProbeResult check(long start) throws Exception {
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body;
        try (InputStream in = response.body()) {
            body = target.expectBody().isPresent()
                    ? new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8)
                    : drain(in);
        }
        long latency = millisSince(start);
        if (!target.expectStatus().accepts(response.statusCode())) {
            return ProbeResult.failed(latency, "STATUS", "HTTP " + response.statusCode() + ", expected "
                    + target.expectStatus());
        }
        if (target.expectBody().isPresent() && !body.contains(target.expectBody().get())) {
            return ProbeResult.failed(latency, "BODY", "HTTP " + response.statusCode() + " without '"
                    + target.expectBody().get() + "' in the body");
        }
        return ProbeResult.ok(latency);
    }

    @Override
    protected ProbeResult failure(Exception e, long latencyMs) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return ProbeResult.failed(latencyMs, "TIMEOUT", "interrupted after the timeout");
        }
        return super.failure(e, latencyMs);
    }

    /** Reads the body off the connection so that it can be reused, up to a limit. */
    private static String drain(InputStream in) throws java.io.IOException {
        in.readNBytes(MAX_BODY_BYTES);
        return "";
    }
}
