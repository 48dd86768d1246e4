package io.lifeboat.events.fence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * What a database itself says it is: ACTIVE, STANDBY or FENCED, at which epoch. One row in
 * {@code lifeboat_site.site_role}, written by the commands that change it (PROMOTE, FENCE, UNFENCE, REVERSE) and by
 * a site that fences itself, always with the epoch of what changed it. It lets a link check the direction it stored
 * in Kafka against the databases: a record there can be lost or stale, the databases' own word is where the writes
 * are.
 *
 * <p>This class owns the table; nothing else reads or writes it.
 */
public final class SiteRole {

    public static final String TABLE = DatabaseFence.SCHEMA + ".site_role";

    /** A database's role. */
    public enum Role {
        /** Takes the application's writes. */
        ACTIVE,
        /** A copy that refuses writes from all but the applier. */
        STANDBY,
        /** Was active, is stopped from taking writes (FENCE, or a site that fenced itself). */
        FENCED
    }

    /** The stored record: the role, the epoch it was written at, why, and when. */
    public record Stored(Role role, long epoch, String reason, Instant at) {

        @Override
        public String toString() {
            return role + " at epoch " + epoch + " (" + reason + ", " + at + ")";
        }
    }

    private SiteRole() {
    }

    /** The database's record, or empty when none was ever written. */
    public static Optional<Stored> read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet exists = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return Optional.empty();
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT role, epoch, reason, written_at FROM " + TABLE)) {
            if (!rows.next()) {
                return Optional.empty();
            }
            return Optional.of(new Stored(Role.valueOf(rows.getString(1)), rows.getLong(2), rows.getString(3),
                    rows.getTimestamp(4).toInstant()));
        }
    }

    /**
     * Writes the record unless it holds a newer epoch: an older command (or a warden behind the times) never
     * overwrites what a newer one wrote. Runs in the connection's transaction (the caller commits, so a record can
     * change together with what it describes).
     *
     * @return whether it was written; false when the stored epoch is newer
     */
    public static boolean write(Connection c, Role role, long epoch, String reason) throws SQLException {
        ensure(c);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (only_row, role, epoch, reason)"
                + " VALUES (true, ?, ?, ?) ON CONFLICT (only_row) DO UPDATE SET role = excluded.role,"
                + " epoch = excluded.epoch, reason = excluded.reason, written_at = now()"
                + " WHERE " + TABLE + ".epoch <= excluded.epoch")) {
            s.setString(1, role.name());
            s.setLong(2, epoch);
            s.setString(3, reason);
            return s.executeUpdate() > 0;
        }
    }

    private static void ensure(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + DatabaseFence.SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (only_row boolean PRIMARY KEY CHECK (only_row),"
                    + " role text NOT NULL CHECK (role IN ('ACTIVE', 'STANDBY', 'FENCED')), epoch bigint NOT NULL,"
                    + " reason text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())");
        }
    }
}
