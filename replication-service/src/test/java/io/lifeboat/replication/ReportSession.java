package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A person's report on a database, as a role of its own (neither Lifeboat's nor the application's): a transaction
 * that has read a table and stays open, holding the table's share lock, as a long report does.
 */
final class ReportSession {

    static final String ROLE = "report_reader";

    private ReportSession() {
    }

    /** Opens the session (the role made if missing, allowed to read {@code schema}) and reads {@code table}. */
    static Connection holdingReadLock(PostgresServer pg, String database, String schema, String table)
            throws SQLException {
        Connection c = asOwnRole(pg, database, ROLE, schema, "SELECT ON ALL TABLES IN SCHEMA " + schema);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM " + table).close();
        }
        return c;
    }

    /**
     * A session of {@code role}, a login role of its own made if missing (password {@code <role>-password}), given
     * usage of {@code schema} and {@code privileges} ({@code GRANT <privileges> TO <role>}).
     */
    static Connection asOwnRole(PostgresServer pg, String database, String role, String schema, String privileges)
            throws SQLException {
        String password = role.replace('_', '-') + "-password";
        try (Connection admin = pg.connect(database); Statement s = admin.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN"
                    + " CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'; END IF; END $$");
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
            s.execute("GRANT " + privileges + " TO " + role);
        }
        Properties p = new Properties();
        p.setProperty("user", role);
        p.setProperty("password", password);
        return DriverManager.getConnection(pg.jdbcUrl(database), p);
    }

    /** Whether the session still answers. */
    static boolean alive(Connection c) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException ended) {
            return false;
        }
    }
}
