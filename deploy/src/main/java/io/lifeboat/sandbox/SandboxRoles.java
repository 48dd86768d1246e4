package io.lifeboat.sandbox;

import io.lifeboat.loopback.PostgresServer;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Each site's PostgreSQL roles, as a production deployment has them (the README's production checklist lists the
 * same): the SaaS logs in as {@value #APP}, which FENCE can lock out, and Lifeboat as roles of its own with only the
 * rights they need. Nobody but the administrator uses the superuser.
 *
 * <ul>
 *   <li>{@value #OWNER} (no login) owns the database and the SaaS's tables: owning them is what creating a
 *       publication, guarding and un-guarding a table and emptying a standby for REVERSE need;</li>
 *   <li>{@value #APP}: log in, read and write the demo tables, nothing else;</li>
 *   <li>{@value #LIFEBOAT} (replication-service at this site, as source and as target): {@code REPLICATION} (the
 *       slot), member of {@value #OWNER}, {@code SET} on {@code session_replication_role} (the applier writes as
 *       PostgreSQL's own apply worker), {@code CREATEROLE} with {@code ADMIN OPTION} on {@value #APP} and
 *       {@code pg_signal_backend} (FENCE);</li>
 *   <li>{@value #PROBE} (heartbeat-service's observers): log in and nothing more.</li>
 * </ul>
 */
final class SandboxRoles {

    static final String OWNER = "portal_owner";
    static final String APP = "portal_app";
    static final String LIFEBOAT = "lifeboat";
    static final String PROBE = "lifeboat_probe";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One site's credentials; the passwords are new at every start of the sandbox. */
    record Logins(String appPassword, String lifeboatPassword, String probePassword) {
    }

    private SandboxRoles() {
    }

    /** Creates the roles (or sets new passwords), and gives the owner role the database. */
    static Logins create(PostgresServer pg, String database) throws SQLException {
        Logins logins = new Logins(password(), password(), password());
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            role(s, OWNER, "NOLOGIN", null);
            role(s, APP, "LOGIN", logins.appPassword());
            role(s, LIFEBOAT, "LOGIN REPLICATION CREATEROLE", logins.lifeboatPassword());
            role(s, PROBE, "LOGIN", logins.probePassword());
            s.execute("ALTER DATABASE " + database + " OWNER TO " + OWNER);
            s.execute("GRANT " + OWNER + " TO " + LIFEBOAT);
            // ADMIN OPTION lets Lifeboat lock and unlock the role; without INHERIT and SET it gets none of its rights.
            s.execute("GRANT " + APP + " TO " + LIFEBOAT + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
            s.execute("GRANT pg_signal_backend TO " + LIFEBOAT);
            s.execute("GRANT SET ON PARAMETER session_replication_role TO " + LIFEBOAT);
        }
        return logins;
    }

    /**
     * After the schema exists: everything in it (and in Lifeboat's schemas, from an earlier run of the sandbox) owned
     * by {@value #OWNER}, and the application's rights on the demo tables.
     */
    static void grant(PostgresServer pg, String database) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            s.execute("""
                DO $$ DECLARE o record; BEGIN
                  FOR o IN SELECT format('ALTER SCHEMA %I OWNER TO portal_owner', nspname) AS sql FROM pg_namespace
                           WHERE nspname IN ('demo', 'lifeboat_replication', 'lifeboat_site')
                  UNION ALL SELECT format('ALTER TABLE %I.%I OWNER TO portal_owner', n.nspname, c.relname)
                           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname IN ('demo', 'lifeboat_replication', 'lifeboat_site') AND c.relkind = 'r'
                  UNION ALL SELECT format('ALTER FUNCTION %s OWNER TO portal_owner', p.oid::regprocedure)
                           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                           WHERE n.nspname IN ('lifeboat_replication', 'lifeboat_site')
                  UNION ALL SELECT format('ALTER PUBLICATION %I OWNER TO portal_owner', pubname) FROM pg_publication
                  LOOP EXECUTE o.sql; END LOOP;
                END $$""");
            s.execute("GRANT USAGE ON SCHEMA demo TO " + APP);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA demo TO " + APP);
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA demo TO " + APP);
        }
    }

    private static void role(Statement s, String name, String attributes, String password) throws SQLException {
        s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN CREATE ROLE "
                + name + " " + attributes + "; END IF; END $$");
        if (password != null) {
            // Hex: nothing to quote, in SQL or in the endpoints file. A fenced role keeps NOLOGIN: only the password moves.
            s.execute("ALTER ROLE " + name + " PASSWORD '" + password + "'");
        }
    }

    private static String password() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
