package io.lifeboat.replication.db;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The link's publication and slot at the source, owned by Lifeboat: the publication lists the link's tables (and
 * the heartbeat table); a table added later is added to it while running. The publication is created before the
 * slot (pgoutput looks the publication up as of each change), the slot before any copy snapshot (so every
 * transaction a copy does not see is in the slot's stream).
 */
public final class SourceSetup {

    private static final Logger LOG = Logger.getLogger(SourceSetup.class);

    private SourceSetup() {
    }

    /** @return the tables the publication has ({@code schema.table}) */
    public static Set<String> published(Connection c, String publication) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                + " WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
        }
        return tables;
    }

    public static boolean publicationExists(Connection c, String publication) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Creates the publication for these tables and the heartbeat table, or adds the ones it lacks.
     *
     * @return the tables added (all of them for a new publication)
     */
    public static Set<String> ensurePublication(Connection c, String publication, Collection<TableShape> tables)
            throws SQLException {
        Set<String> wanted = new TreeSet<>();
        tables.forEach(t -> wanted.add(t.qualified()));
        wanted.add(LifeboatSchema.HEARTBEAT_TABLE);
        boolean exists = publicationExists(c, publication);
        Set<String> missing = new TreeSet<>(wanted);
        if (exists) {
            missing.removeAll(published(c, publication));
        }
        if (missing.isEmpty()) {
            return Set.of();
        }
        String list = String.join(", ", missing.stream().map(SourceSetup::sqlName).toList());
        try (Statement s = c.createStatement()) {
            s.execute(exists ? "ALTER PUBLICATION " + TableShape.quote(publication) + " ADD TABLE " + list
                    : "CREATE PUBLICATION " + TableShape.quote(publication) + " FOR TABLE " + list);
        }
        LOG.infof("publication %s: %s %s", publication, exists ? "added" : "created with", missing);
        return missing;
    }

    /**
     * Waits until every transaction that was running when the publication changed has ended: their changes to a
     * newly published table may precede the change and so not be in the stream; once they ended, a copy snapshot
     * sees them.
     */
    public static void awaitOlderTransactions(Connection c, Duration within) throws SQLException, InterruptedException {
        long horizon;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")) {
            r.next();
            horizon = Long.parseLong(r.getString(1));
        }
        Instant deadline = Instant.now().plus(within);
        while (true) {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) {
                r.next();
                if (Long.parseLong(r.getString(1)) >= horizon) {
                    return;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SQLException("transactions older than the publication change are still running after "
                        + within.toSeconds() + " s", "55000");
            }
            Thread.sleep(100); // polling the source's transactions, bounded by the deadline
        }
    }

    /** @return whether the slot exists */
    public static boolean slotExists(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Creates the logical slot (pgoutput); returns its consistent point. */
    public static long createSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long lsn = SourcePosition.parseLsn(r.getString(1));
                LOG.infof("slot %s created at %s", slot, r.getString(1));
                return lsn;
            }
        }
    }

    public static void dropSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM"
                + " pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            s.setString(1, slot);
            s.execute();
        }
    }

    private static String sqlName(String qualified) {
        int dot = qualified.indexOf('.');
        return TableShape.quote(qualified.substring(0, dot)) + "." + TableShape.quote(qualified.substring(dot + 1));
    }

    public static List<String> sorted(Collection<String> names) {
        return names.stream().sorted().toList();
    }
}
