package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Connects anew every time (a pooled connection would hide a server that takes no new ones), runs
 * {@code SELECT 1}, and reports whether the server refuses writes: in recovery (a standby) or read-only (fenced).
 */
final class PostgresProbe extends TimedProbe {

    private static final String QUERY = "SELECT 1, pg_is_in_recovery(), current_setting('transaction_read_only')";

    private final Properties properties = new Properties();

    PostgresProbe(TargetSpec target) {
        super(target);
        // The driver counts its timeouts in whole seconds; ProbeRunner holds the exact bound.
        String seconds = Long.toString(Math.max(1, (target.timeout().toMillis() + 999) / 1000));
        target.user().ifPresent(user -> properties.setProperty("user", user));
        target.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("ApplicationName", "lifeboat-heartbeat");
        properties.setProperty("tcpKeepAlive", "false");
        target.tls().addTo(properties);
    }

    @Override
    protected ProbeResult check(long start) throws Exception {
        try (Connection connection = DriverManager.getConnection(target.address(), properties);
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, (target.timeout().toMillis() + 999) / 1000));
            try (ResultSet rs = statement.executeQuery(QUERY)) {
                rs.next();
                boolean readOnly = rs.getBoolean(2) || "on".equals(rs.getString(3));
                return new ProbeResult(true, millisSince(start), null, null, readOnly);
            }
        }
    }

    /** A database's failures have classes of their own: refused (SQLState 08), TLS, or SQL. */
    @Override
    protected ProbeResult failure(Exception failure, long latencyMs) {
        if (!(failure instanceof SQLException e)) {
            return super.failure(failure, latencyMs);
        }
        ProbeResult classified = Failures.of(e, latencyMs);
        String cls = classified.errorClass().equals("IO") || classified.errorClass().equals("ERROR")
                ? "SQL" : classified.errorClass();
        // SQLState 08xxx is "connection exception": the server is not taking connections.
        if ("SQL".equals(cls) && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            cls = "REFUSED";
        }
        String tlsProblem = target.tls().explain(e);
        return new ProbeResult(false, classified.latencyMs(), tlsProblem == null ? cls : "TLS",
                tlsProblem == null ? Failures.message(e) : tlsProblem, null);
    }
}
