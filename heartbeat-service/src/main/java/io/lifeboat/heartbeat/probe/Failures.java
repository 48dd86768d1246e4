package io.lifeboat.heartbeat.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;

/** Sorts an exception into the short error classes heartbeats carry. */
final class Failures {

    private Failures() {
    }

    static ProbeResult of(Throwable failure, long latencyMs) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String cls = classOf(t);
            if (cls != null) {
                return ProbeResult.failed(latencyMs, cls, message(t));
            }
            root = t;
        }
        String cls = failure instanceof SQLException ? "SQL" : failure instanceof IOException ? "IO" : "ERROR";
        return ProbeResult.failed(latencyMs, cls, message(root == null ? failure : failure));
    }

    private static String classOf(Throwable t) {
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException
                || t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
            return "TIMEOUT";
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
            return "REFUSED";
        }
        if (t instanceof UnknownHostException) {
            return "UNRESOLVED";
        }
        if (t instanceof SSLException) {
            return "TLS";
        }
        return null;
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        String text = m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
        // One line, and short: it travels in every heartbeat.
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
