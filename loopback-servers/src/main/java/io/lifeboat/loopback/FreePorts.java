package io.lifeboat.loopback;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports on 127.0.0.1 that are free for both TCP and UDP right now.
 *
 * <p>Ports come from below Linux's ephemeral range (32768 and up by default): a server that is stopped to simulate an
 * outage must find its port free again on restart, and a port in the ephemeral range could meanwhile have become the
 * source port of some outgoing connection.
 */
public final class FreePorts {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    // Each port is bound and released at once, so two servers asking in turn could otherwise be handed the same one.
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 between " + FIRST + " and " + LAST);
    }

    /** Whether something listens on the port now. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket tcp = new ServerSocket();
             DatagramSocket udp = new DatagramSocket(null)) {
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(LOOPBACK, port));
            udp.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
