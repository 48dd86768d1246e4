package io.lifeboat.cli.api;

/** No answer from the service: refused connection, unknown host, timeout (exit status 3). */
public final class Unreachable extends Exception {

    public Unreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
