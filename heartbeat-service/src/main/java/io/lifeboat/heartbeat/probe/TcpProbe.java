package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** Opens a TCP connection and closes it again. */
final class TcpProbe implements Probe {

    private final TargetSpec target;
    private final String host;
    private final int port;

    TcpProbe(TargetSpec target) {
        this.target = target;
        URI uri = URI.create(target.address());
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    @Override
    public TargetSpec target() {
        return target;
    }

    @Override
    public ProbeResult run() {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, target.timeout().toMillis()));
            return ProbeResult.ok(HttpProbe.millisSince(start));
        } catch (Exception e) {
            return Failures.of(e, HttpProbe.millisSince(start));
        }
    }
}
