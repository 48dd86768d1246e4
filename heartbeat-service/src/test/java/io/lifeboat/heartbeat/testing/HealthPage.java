package io.lifeboat.heartbeat.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real health page on 127.0.0.1 that a test can stop and start again (same port), make answer 500, make hang,
 * make slow, or make fail a share of requests at random.
 */
public final class HealthPage implements AutoCloseable {

    public enum Mode { OK, ERROR, HANG, SLOW, RANDOM }

    private final int port;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int slowMillis;
    private volatile double failureShare;
    private volatile CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    public HealthPage() {
        this(0);
    }

    private HealthPage(int port) {
        this.port = start(port);
    }

    public static HealthPage start() {
        return new HealthPage();
    }

    private synchronized int start(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "health-page");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::answer);
        server.start();
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/health";
    }

    public int port() {
        return port;
    }

    public int requests() {
        return requests.get();
    }

    public HealthPage ok() {
        return mode(Mode.OK);
    }

    public HealthPage error() {
        return mode(Mode.ERROR);
    }

    /** Accepts and never answers, until the mode changes. */
    public HealthPage hang() {
        return mode(Mode.HANG);
    }

    public HealthPage slow(int millis) {
        slowMillis = millis;
        return mode(Mode.SLOW);
    }

    /** Answers 500 to this share of requests, at random. */
    public HealthPage failing(double share) {
        failureShare = share;
        return mode(Mode.RANDOM);
    }

    private HealthPage mode(Mode next) {
        Mode previous = mode.getAndSet(next);
        if (previous == Mode.HANG && next != Mode.HANG) {
            release.countDown();
            release = new CountDownLatch(1);
        }
        return this;
    }

    /** Closes the port: connections are refused. */
    public synchronized HealthPage stop() {
        if (server != null) {
            release.countDown();
            release = new CountDownLatch(1);
            server.stop(0);
            server = null;
        }
        return this;
    }

    public synchronized HealthPage restart() {
        if (server == null) {
            start(port);
        }
        return this;
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            int code = 200;
            switch (mode.get()) {
                case ERROR -> code = 500;
                case HANG -> {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                case SLOW -> {
                    // Within ±10 % of the given delay, as a loaded server answers.
                    long jitter = (long) (slowMillis * 0.1);
                    sleepQuietly(slowMillis - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
                }
                case RANDOM -> code = ThreadLocalRandom.current().nextDouble() < failureShare ? 500 : 200;
                default -> {
                }
            }
            byte[] body = ("{\"status\":\"" + (code == 200 ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            // The server's own latency, not a test waiting for something.
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
