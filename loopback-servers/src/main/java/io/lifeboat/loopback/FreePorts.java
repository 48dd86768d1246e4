package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports on 127.0.0.1 that are free for both TCP and UDP right now.
 *
 * <p>Ports come from below Linux's ephemeral range (32768 and up by default): a server that is stopped to simulate an
 * outage must find its port free again on restart, and a port in the ephemeral range could meanwhile have become the
 * source port of some outgoing connection.
 *
 * <p>A port handed out stays this JVM's until it exits, also while its server is stopped: a lock on the file
 * {@code <tmpdir>/lifeboat-ports/<port>.lock} keeps every other JVM on this machine from handing it out (the build
 * runs modules' tests side by side), and the operating system releases it when the JVM ends, however it ends.
 */
public final class FreePorts {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-ports");
    // Each port is bound and released at once, so two servers asking in turn could otherwise be handed the same one;
    // the lock (held for the JVM's life) does the same across JVMs.
    private static final Map<Integer, FileLock> HANDED_OUT = new HashMap<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (!HANDED_OUT.containsKey(port)) {
                FileLock lock = reserve(port);
                if (lock != null && isFree(port)) {
                    HANDED_OUT.put(port, lock);
                    return port;
                }
                release(lock);
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 between " + FIRST + " and " + LAST);
    }

    /** The lock that makes the port this JVM's, or null when another JVM (or another user's file) holds it. */
    static FileLock reserve(int port) {
        FileChannel channel;
        try {
            Files.createDirectories(LOCKS);
            channel = FileChannel.open(LOCKS.resolve(port + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve port " + port + " under " + LOCKS, e);
        }
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            // Held in this JVM already (not handed out by this class) or not lockable: not ours to hand out.
        }
        if (lock == null) {
            release(channel);
        }
        return lock;
    }

    static void release(FileLock lock) {
        if (lock != null) {
            release(lock.channel());
        }
    }

    private static void release(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // An empty lock file: closing it has nothing to save.
        }
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
