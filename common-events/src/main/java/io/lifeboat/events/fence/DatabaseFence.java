package io.lifeboat.events.fence;

import io.lifeboat.events.db.BackendSessions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one way Lifeboat fences a PostgreSQL server, shared by replication-service's FENCE command and the site
 * warden that fences its own site when it loses its lease.
 *
 * <p>A fence is chosen by <em>role</em>, never by a name a client sets: every configured application role loses
 * {@code LOGIN} (a role attribute, so it holds in every database of the server and survives a restart), and every
 * session of those roles is ended. Which roles Lifeboat itself locked is written into the database
 * ({@code lifeboat_site.fenced_role}), so UNFENCE gives {@code LOGIN} back to exactly those, never to a role an
 * administrator had locked for reasons of their own.
 *
 * <p>What a fence cannot stop: a superuser, a role that is not listed, and a role that is a member of a listed one
 * and logs in as itself. The locks are recorded in the database the fence ran in: a role already locked by a fence
 * in another database of the same server is not recorded again, so UNFENCE must run in every database FENCE ran in
 * (replication-service's FENCE and UNFENCE both act on every database of the site). The rights Lifeboat's role needs: {@code CREATEROLE} with {@code ADMIN OPTION} on each
 * application role (PostgreSQL 16+; or superuser) and membership of {@code pg_signal_backend}.
 */
public final class DatabaseFence {

    /** Lifeboat's per-database schema for the site's own records (fence, role and epoch). */
    public static final String SCHEMA = "lifeboat_site";

    private DatabaseFence() {
    }

    /**
     * Fences the server the connection is on; idempotent. The connection must be autocommit: each role's lock is
     * committed before its sessions are ended, so a session cannot log in again in between.
     */
    public static FenceReport fence(Connection c, Collection<String> applicationRoles, String reason)
            throws SQLException {
        requireAutoCommit(c);
        refuseOwnRole(c, applicationRoles);
        ensureSchema(c);
        List<String> locked = new ArrayList<>();
        for (String role : applicationRoles) {
            Boolean canLogin = canLogin(c, role);
            if (canLogin == null) {
                throw new SQLException("lifeboat: application role " + role + " does not exist on "
                        + c.getMetaData().getURL() + "; check lifeboat's application-roles setting", "42704");
            }
            if (canLogin) {
                try (PreparedStatement record = c.prepareStatement("INSERT INTO " + SCHEMA
                        + ".fenced_role (role_name, reason) VALUES (?, ?) ON CONFLICT (role_name) DO UPDATE"
                        + " SET reason = excluded.reason, fenced_at = now()")) {
                    record.setString(1, role);
                    record.setString(2, reason);
                    record.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER ROLE " + quote(role) + " NOLOGIN");
                }
                locked.add(role);
            }
        }
        int ended = endSessions(c, applicationRoles);
        return new FenceReport(List.copyOf(locked), ended);
    }

    /**
     * Gives {@code LOGIN} back to the roles Lifeboat locked (and only those), and forgets them.
     *
     * @return the roles that can log in again
     */
    public static List<String> unfence(Connection c, Collection<String> applicationRoles) throws SQLException {
        requireAutoCommit(c);
        ensureSchema(c);
        List<String> restored = new ArrayList<>();
        for (String role : applicationRoles) {
            boolean ours;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + SCHEMA + ".fenced_role WHERE role_name = ?")) {
                s.setString(1, role);
                ours = s.executeUpdate() > 0;
            }
            if (ours && Boolean.FALSE.equals(canLogin(c, role))) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER ROLE " + quote(role) + " LOGIN");
                }
                restored.add(role);
            }
        }
        return List.copyOf(restored);
    }

    /** The listed roles that are fenced now: not able to log in. */
    public static List<String> fencedRoles(Connection c, Collection<String> applicationRoles) throws SQLException {
        List<String> fenced = new ArrayList<>();
        for (String role : applicationRoles) {
            if (Boolean.FALSE.equals(canLogin(c, role))) {
                fenced.add(role);
            }
        }
        return List.copyOf(fenced);
    }

    private static int endSessions(Connection c, Collection<String> roles) throws SQLException {
        return BackendSessions.end(c, "usename = ANY (?)", s -> s.setArray(1, c.createArrayOf("text", roles.toArray())));
    }

    private static Boolean canLogin(Connection c, String role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?")) {
            s.setString(1, role);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        }
    }

    /**
     * Lifeboat's own role must never be one it locks: a fence would lock Lifeboat out of the site (and the roles are
     * how Lifeboat's sessions are told from the application's).
     */
    private static void refuseOwnRole(Connection c, Collection<String> roles) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT current_user, session_user")) {
            rows.next();
            for (String own : List.of(rows.getString(1), rows.getString(2))) {
                if (roles.contains(own)) {
                    throw new SQLException("lifeboat: its own role " + own + " is listed as an application role;"
                            + " Lifeboat must connect as a role of its own, never as the application's", "42501");
                }
            }
        }
    }

    /** Each role's lock must be committed before its sessions are ended, or a session could log in in between. */
    private static void requireAutoCommit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            throw new SQLException("lifeboat: DatabaseFence needs an autocommit connection", "25000");
        }
    }

    static void ensureSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".fenced_role (role_name text PRIMARY KEY,"
                    + " reason text NOT NULL, fenced_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** What one fence did: the roles it locked now (already locked ones are not listed) and the sessions it ended. */
    public record FenceReport(List<String> rolesLocked, int sessionsEnded) {
    }
}
