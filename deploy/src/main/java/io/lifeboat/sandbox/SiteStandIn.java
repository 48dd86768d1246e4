package io.lifeboat.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The SaaS's web front end at one site, reduced to what Lifeboat watches: a health page on the site's own loopback
 * address, so that DNS can point users at one site or the other.
 */
final class SiteStandIn implements AutoCloseable {

    private final String siteId;
    private final String address;
    private final int port;
    private HttpServer server;

    SiteStandIn(String siteId, String address, int port) {
        this.siteId = siteId;
        this.address = address;
        this.port = port;
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.createContext("/health", this::health);
        server.createContext("/", this::home);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "stand-in-" + siteId);
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized boolean isRunning() {
        return server != null;
    }

    int port() {
        return port;
    }

    String address() {
        return address;
    }

    String url() {
        return "http://" + address + ":" + port;
    }

    private void health(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "{\"status\":\"UP\",\"site\":\"" + siteId + "\"}", "application/json");
    }

    private void home(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "Performance portal (Lifeboat sandbox stand-in) served from site " + siteId + "\n", "text/plain");
    }

    private static void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
