package io.lifeboat.heartbeat.probe;

/**
 * The outcome of one probe.
 *
 * @param errorClass a short class when failed: TIMEOUT, REFUSED, UNRESOLVED, STATUS, BODY, SQL, DNS, TLS, IO
 * @param readOnly   PostgreSQL only: the server refuses writes (read-only or in recovery)
 */
public record ProbeResult(boolean ok, long latencyMs, String errorClass, String errorMessage, Boolean readOnly) {

    public static ProbeResult ok(long latencyMs) {
        return new ProbeResult(true, latencyMs, null, null, null);
    }

    public static ProbeResult failed(long latencyMs, String errorClass, String errorMessage) {
        return new ProbeResult(false, latencyMs, errorClass, errorMessage, null);
    }
}
