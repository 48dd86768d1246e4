package io.lifeboat.replication.db;

import io.lifeboat.events.db.BackendSessions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/**
 * The read-only guard of a standby (or fenced) database, and what PROMOTE and FENCE do to a database.
 *
 * <p>The guard is a statement-level trigger on every replicated table that refuses INSERT, UPDATE, DELETE and
 * TRUNCATE with SQLSTATE 25006. Triggers fire in the default {@code session_replication_role = origin}; the applier
 * runs as {@code replica}, where they do not, exactly as PostgreSQL's own logical replication apply worker. Unlike
 * {@code default_transaction_read_only}, which any session may switch off for itself, changing
 * {@code session_replication_role} needs superuser or {@code GRANT SET ON PARAMETER}, so applications cannot opt out.
 */
public final class SiteGuard {

    private static final String TRIGGER = "lifeboat_standby_guard";

    private SiteGuard() {
    }

    public static void install(Connection c, Collection<TableShape> tables, String why) throws SQLException {
        try (Statement s = c.createStatement()) {
            createFunction(s);
            for (TableShape table : tables) {
                s.execute(guard(table, why));
            }
        }
    }

    private static void createFunction(Statement s) throws SQLException {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + LifeboatSchema.SCHEMA);
        s.execute("CREATE OR REPLACE FUNCTION " + LifeboatSchema.SCHEMA + ".refuse_write() RETURNS trigger"
                + " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'lifeboat: % refuses writes: %',"
                + " current_database(), TG_ARGV[0] USING ERRCODE = 'read_only_sql_transaction'; END $$");
    }

    private static String guard(TableShape table, String why) {
        return "CREATE OR REPLACE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                + table.sqlName() + " FOR EACH STATEMENT EXECUTE FUNCTION " + LifeboatSchema.SCHEMA
                + ".refuse_write('" + why.replace("'", "''") + "')";
    }

    public static void lift(Connection c, Collection<TableShape> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (TableShape table : tables) {
                s.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + table.sqlName());
            }
        }
        resetReadOnlyDefault(c);
    }

    /** New transactions in the connected database read-write by default again (FENCE's default undone). */
    public static void resetReadOnlyDefault(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + TableShape.quote(c.getCatalog()) + " RESET default_transaction_read_only");
        }
    }

    /**
     * The guard dropped from {@code tables}, never waiting long on other people's sessions ({@link TableLocks}): for
     * PROMOTE and UNFENCE, which a reader of the table must not hold up. Unlike {@link #lift}, the database's
     * read-only default is left to the caller ({@link #resetReadOnlyDefault}), once for all tables.
     *
     * @param spared the roles Lifeboat's services log in as here
     * @return how many sessions were ended to lift it
     */
    public static int liftNotWaiting(Connection c, Collection<TableShape> tables, Collection<String> spared)
            throws SQLException {
        int ended = 0;
        for (TableShape table : tables) {
            ended += TableLocks.runNotWaiting(c, table, "DROP TRIGGER IF EXISTS " + TRIGGER + " ON "
                    + table.sqlName(), spared);
        }
        return ended;
    }

    /** How many of these tables have no guard: each is one a client may already have written to. */
    public static int unguarded(Connection c, Collection<TableShape> tables) throws SQLException {
        int unguarded = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_trigger WHERE tgrelid = ?::regclass"
                + " AND tgname = '" + TRIGGER + "'")) {
            for (TableShape table : tables) {
                s.setString(1, table.sqlName());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    unguarded += r.getLong(1) == 0 ? 1 : 0;
                }
            }
        }
        return unguarded;
    }

    /**
     * FENCE's part on the tables and the database: the guard on the replicated tables (which no one can switch off),
     * new transactions read-only by default for everyone but the connected (Lifeboat's) role, and every client
     * session of another role than Lifeboat's ended. Sessions are chosen by role, never by the application name,
     * which any client sets as it likes. (The application roles lose their login in {@code DatabaseFence}.)
     *
     * <p>In that order: new transactions read-only first, then the sessions ended (their open transactions roll
     * back and release their locks), then the guard, which no session's lock can hold up for more than
     * {@link TableLocks#LOCK_WAIT}, and the sessions that came in meanwhile ended too. Guarding first waited behind
     * every open write transaction, for as long as an idle one liked, while the site went on writing.
     *
     * @param lifeboatRoles the roles Lifeboat's own services log in as here: their sessions go on
     * @return how many sessions were ended
     */
    public static int fence(Connection c, Collection<TableShape> tables, String why, Collection<String> lifeboatRoles)
            throws SQLException {
        String database = TableShape.quote(c.getCatalog());
        try (Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " SET default_transaction_read_only = on");
            // Heartbeats (and a final drain) still need the replication user to write.
            s.execute("ALTER ROLE CURRENT_USER IN DATABASE " + database + " SET default_transaction_read_only = off");
            createFunction(s);
        }
        int ended = endOthers(c, lifeboatRoles);
        for (TableShape table : tables) {
            ended += TableLocks.runNotWaiting(c, table, guard(table, why), lifeboatRoles);
        }
        return ended + endOthers(c, lifeboatRoles);
    }

    private static int endOthers(Connection c, Collection<String> lifeboatRoles) throws SQLException {
        return BackendSessions.end(c, "datname = current_database() AND backend_type = 'client backend'"
                + " AND usename <> ALL (?)", s -> s.setArray(1, c.createArrayOf("text", lifeboatRoles.toArray())));
    }

    /**
     * UNFENCE's part: the read-only default gone (the database's and the override for the connected role), and the
     * guard lifted from {@code tables} (those of links the database is the source of; a standby keeps its guard),
     * never waiting long on a reader ({@link #liftNotWaiting}).
     *
     * @return how many sessions were ended to lift the guard
     */
    public static int unfence(Connection c, Collection<TableShape> tables, Collection<String> lifeboatRoles)
            throws SQLException {
        int ended = liftNotWaiting(c, tables, lifeboatRoles);
        resetReadOnlyDefault(c);
        try (Statement s = c.createStatement()) {
            s.execute("ALTER ROLE CURRENT_USER IN DATABASE " + TableShape.quote(c.getCatalog())
                    + " RESET default_transaction_read_only");
        }
        return ended;
    }

    /**
     * PROMOTE: every sequence owned by a replicated table's column (serial, identity) set past the largest value in
     * that column: logical decoding does not carry sequences.
     *
     * @return how many sequences were moved
     */
    public static int advanceSequences(Connection c, Collection<TableShape> tables) throws SQLException {
        int moved = 0;
        try (PreparedStatement owned = c.prepareStatement("""
                SELECT seq.oid::regclass::text, a.attname
                FROM pg_depend d
                JOIN pg_class seq ON seq.oid = d.objid AND seq.relkind = 'S'
                JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                  AND d.deptype IN ('a', 'i') AND d.refobjid = ?::regclass
                """)) {
            for (TableShape table : tables) {
                owned.setString(1, table.sqlName());
                try (ResultSet rows = owned.executeQuery()) {
                    while (rows.next()) {
                        String sequence = rows.getString(1);
                        String column = TableShape.quote(rows.getString(2));
                        try (Statement s = c.createStatement()) {
                            String quoted = sequence.replace("'", "''");
                            // Never backwards: a sequence already past the data stays where it is.
                            s.execute("SELECT setval('" + quoted + "', greatest(m, (SELECT last_value FROM "
                                    + sequence + "))) FROM (SELECT max("
                                    + column + ") AS m FROM " + table.sqlName() + ") x WHERE m IS NOT NULL");
                        }
                        moved++;
                    }
                }
            }
        }
        return moved;
    }
}
