package io.lifeboat.heartbeat.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real webhook receiver on 127.0.0.1 that starts out down (its port closed) and is brought up by the test; it
 * records every request's path, headers of interest, and body.
 */
public final class AlertInbox implements AutoCloseable {

    public record Received(String path, String authorization, String body) {
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private AlertInbox(int port) {
        this.port = port;
    }

    /** Reserves a port and leaves it closed: the receiver is down. */
    public static AlertInbox down() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new AlertInbox(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized AlertInbox up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
