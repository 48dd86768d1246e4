package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** Opens a TCP connection and closes it again. */
final class TcpProbe extends TimedProbe {

    private final String host;
    private final int port;

    TcpProbe(TargetSpec target) {
        super(target);
        URI uri = URI.create(target.address());
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    @Override
    protected ProbeResult check(long start) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, target.timeout().toMillis()));
            return ProbeResult.ok(millisSince(start));
        }
    }
}
