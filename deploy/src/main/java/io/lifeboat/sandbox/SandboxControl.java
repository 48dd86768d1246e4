package io.lifeboat.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sandbox's own small HTTP API, which {@code ./lifeboat lose SITE [--crash]} and {@code ./lifeboat restore SITE}
 * call: {@code POST /sites/{id}/lose[?crash]} and {@code POST /sites/{id}/restore}; and what the demo writer itself
 * recorded as committed: {@code GET /writer/committed[?site=home][&until=<ISO-8601 instant>]}, one
 * {@link CommitLedger} line per row.
 */
final class SandboxControl implements AutoCloseable {

    /** What the control does to a site; returns a sentence for the caller, or throws IllegalArgumentException. */
    interface SiteAction {
        String apply(String site, Map<String, String> query);
    }

    private final HttpServer server;

    SandboxControl(int port, Map<String, SiteAction> actions, CommitLedger ledger) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 8);
        server.createContext("/sites/", exchange -> handle(exchange, actions));
        server.createContext("/writer/committed", exchange -> committed(exchange, ledger));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, Map<String, SiteAction> actions) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "use POST /sites/{id}/lose[?crash] or /sites/{id}/restore");
            return;
        }
        if (parts.length != 4 || !actions.containsKey(parts[3])) {
            respond(exchange, 404, "unknown action; use POST /sites/{id}/lose[?crash] or /sites/{id}/restore");
            return;
        }
        try {
            respond(exchange, 200, actions.get(parts[3]).apply(parts[2], query(exchange)));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
            respond(exchange, 500, e.getMessage());
        }
    }

    private static void committed(HttpExchange exchange, CommitLedger ledger) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "use GET /writer/committed[?site=SITE][&until=INSTANT]");
            return;
        }
        Map<String, String> query = query(exchange);
        Instant until;
        try {
            until = query.containsKey("until") ? Instant.parse(query.get("until")) : null;
        } catch (DateTimeParseException e) {
            respond(exchange, 400, "until must be an ISO-8601 instant such as 2026-12-03T13:20:01.123Z");
            return;
        }
        respond(exchange, 200, ledger.entries(query.get("site"), until).stream()
                .map(entry -> entry.line() + "\n").collect(Collectors.joining()));
    }

    /** The query string's parameters; a name without a value ({@code ?crash}) maps to the empty string. */
    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
