package io.lifeboat.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * The sandbox's own small HTTP API, which {@code ./lifeboat lose SITE} and {@code ./lifeboat restore SITE} call:
 * {@code POST /sites/{id}/lose} and {@code POST /sites/{id}/restore}.
 */
final class SandboxControl implements AutoCloseable {

    /** What the control does to a site; returns a sentence for the caller, or throws IllegalArgumentException. */
    interface SiteAction extends Function<String, String> {
    }

    private final HttpServer server;

    SandboxControl(int port, Map<String, SiteAction> actions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 8);
        server.createContext("/sites/", exchange -> handle(exchange, actions));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, Map<String, SiteAction> actions) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "use POST /sites/{id}/lose or /sites/{id}/restore");
            return;
        }
        if (parts.length != 4 || !actions.containsKey(parts[3])) {
            respond(exchange, 404, "unknown action; use POST /sites/{id}/lose or /sites/{id}/restore");
            return;
        }
        try {
            respond(exchange, 200, actions.get(parts[3]).apply(parts[2]));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
            respond(exchange, 500, e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
