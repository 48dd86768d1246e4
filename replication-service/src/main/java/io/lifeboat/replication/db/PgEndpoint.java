package io.lifeboat.replication.db;

import io.lifeboat.events.db.PostgresTls;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One side of a link: a PostgreSQL database at a site, and how connections to it are secured. Every connection the
 * link makes to it (setup, copy, apply, fence, watch; Debezium's through {@link #tls()}) takes the same TLS settings.
 * {@link #toString()} never shows the password, so an endpoint can be logged safely.
 */
public record PgEndpoint(String site, String jdbcUrl, String user, String password, String host, int port,
        String database, PostgresTls tls) {

    /** Without TLS settings of Lifeboat's own (the driver's default). */
    public static PgEndpoint of(String site, String jdbcUrl, String user, String password) {
        return of(site, jdbcUrl, user, password, PostgresTls.NONE);
    }

    /** Parses {@code jdbc:postgresql://host[:port]/database[?...]}; the message names what is wrong. */
    public static PgEndpoint of(String site, String jdbcUrl, String user, String password, PostgresTls tls) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("'" + jdbcUrl + "' is not a jdbc:postgresql://host:port/database URL");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || path.isBlank()) {
            throw new IllegalArgumentException("'" + jdbcUrl + "' names no host or no database");
        }
        if (uri.getUserInfo() != null || (uri.getQuery() != null && uri.getQuery().contains("password"))) {
            throw new IllegalArgumentException("the JDBC URL must not carry credentials: use the user and password keys");
        }
        if (uri.getQuery() != null && uri.getQuery().contains("ssl")) {
            // Debezium's connection is built from host, port and database: TLS set in the URL would miss it.
            throw new IllegalArgumentException("the JDBC URL must not carry TLS settings: use the tls.* keys");
        }
        return new PgEndpoint(site, jdbcUrl, user, password, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                path, tls);
    }

    public Connection connect(String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("tcpKeepAlive", "true");
        // JDBC batches of one INSERT become multi-row INSERTs: the applier's main cost is round trips.
        properties.setProperty("reWriteBatchedInserts", "true");
        tls.addTo(properties);
        try {
            return DriverManager.getConnection(jdbcUrl, properties);
        } catch (SQLException e) {
            String tlsProblem = tls.explain(e);
            if (tlsProblem == null) {
                throw e;
            }
            throw new SQLException(this + ": " + tlsProblem, e.getSQLState(), e);
        }
    }

    @Override
    public String toString() {
        return site + " (" + user + "@" + host + ":" + port + "/" + database + tls.mode().map(m -> ", sslmode " + m)
                .orElse("") + ")";
    }
}
