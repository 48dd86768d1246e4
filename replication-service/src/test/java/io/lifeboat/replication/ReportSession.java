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
    private static final String PASSWORD = "report-reader-password";

    private ReportSession() {
    }

    /** Opens the session (the role made if missing, allowed to read {@code schema}) and reads {@code table}. */
    static Connection holdingReadLock(PostgresServer pg, String database, String schema, String table)
            throws SQLException {
        try (Connection admin = pg.connect(database); Statement s = admin.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
                    + " CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$");
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + ROLE);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + ROLE);
        }
        Properties p = new Properties();
        p.setProperty("user", ROLE);
        p.setProperty("password", PASSWORD);
        Connection c = DriverManager.getConnection(pg.jdbcUrl(database), p);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM " + table).close();
        }
        return c;
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
