package io.lifeboat.replication.link;

import io.lifeboat.replication.apply.LifeboatTables;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.SourceSetup;
import io.lifeboat.replication.db.TableShape;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The promoted site keeps its own changes from the instant of its promotion: the link's publication and slot are
 * created at the promoted database before its guard is lifted, so the slot's stream begins before its first write.
 * At failback, the old site is then brought up to date by that stream (after its own stranded rows are set back),
 * not emptied and copied again (see {@link LinkReversal}).
 *
 * <p>Never at the promotion's expense: a slot that cannot be created is reported, and the failback copies every table
 * as before. A slot that exists when a guard is already lifted is kept only if it is the one this promotion made (it
 * was created while every guard was on); otherwise writes may have begun before it and it is not made at all.
 */
final class PromotionSlot {

    private static final Logger LOG = Logger.getLogger(PromotionSlot.class);

    private PromotionSlot() {
    }

    /** @return a sentence for the promotion's outcome */
    static String create(LinkDefinition d, Collection<TableShape> tables) {
        try (Connection c = d.target().connect("lifeboat-promote-" + d.id())) {
            LifeboatTables.ensure(c);
            boolean exists = SourceSetup.slotExists(c, d.slot());
            if (SiteGuard.unguarded(c, tables) > 0) {
                return exists ? "slot " + d.slot() + " kept (made by this promotion before its first guard was lifted)"
                        : "no slot: a guard was lifted before one could be made; failback will copy every table";
            }
            SourceSetup.ensurePublication(c, d.publication(), tables);
            if (exists) {
                SourceSetup.dropSlot(c, d.slot()); // left from an earlier direction: it began long before now
            }
            long lsn = SourceSetup.createSlot(c, d.slot());
            return "slot " + d.slot() + " created at " + io.lifeboat.replication.db.SourcePosition.lsnText(lsn)
                    + " before the first write: failback by difference";
        } catch (SQLException e) {
            LOG.warnf("link %s: no promotion slot at %s (%s): failback will copy every table", d.id(),
                    d.target().site(), e.getMessage());
            return "no slot (" + e.getMessage().lines().findFirst().orElse("") + "): failback will copy every table";
        }
    }

    /**
     * Whether the promoted site still holds a slot that has kept every change since its promotion: present, not
     * invalidated ({@code max_slot_wal_keep_size} may have removed WAL it needed), not in use.
     */
    static boolean usable(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(wal_status, '') <> 'lost' AND NOT active"
                + " AND plugin = 'pgoutput' FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}
