package io.lifeboat.replication.db;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One side of a link: a PostgreSQL database at a site. {@link #toString()} never shows the password, so an
 * endpoint can be logged safely.
 */
public record PgEndpoint(String site, String jdbcUrl, String user, String password, String host, int port,
        String database) {

    /** Parses {@code jdbc:postgresql://host[:port]/database[?...]}; the message names what is wrong. */
    public static PgEndpoint of(String site, String jdbcUrl, String user, String password) {
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
        return new PgEndpoint(site, jdbcUrl, user, password, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), path);
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
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    @Override
    public String toString() {
        return site + " (" + user + "@" + host + ":" + port + "/" + database + ")";
    }
}
