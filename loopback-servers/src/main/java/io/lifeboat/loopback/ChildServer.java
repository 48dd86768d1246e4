package io.lifeboat.loopback;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * What every server run as a child process shares: running or not, a clean stop (SIGTERM, then SIGKILL after a
 * grace period), an abrupt kill (SIGKILL, as a crash or a lost machine leaves it), and close as stop.
 */
abstract class ChildServer implements AutoCloseable {

    private final Duration stopGrace;
    /** The running process, or null while stopped; subclasses start it and read it under this object's lock. */
    protected ChildProcess process;

    protected ChildServer(Duration stopGrace) {
        this.stopGrace = stopGrace;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The running process's id (for its CPU time and memory in /proc), empty while stopped. */
    public synchronized OptionalLong pid() {
        return isRunning() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** SIGTERM, so the server shuts down cleanly; SIGKILL only if it has not within the grace period. */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(stopGrace);
            process = null;
        }
    }

    /** SIGKILL: no clean shutdown, as a crash or a lost machine would leave it. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
